//! Providers: the region of a provider configuration, and which configuration a block
//! uses.

use super::{
    module_name, provider_key, Block, Env, Evaluator, HoleKind, InstId, Prop, Span, Stop, SymStr,
};

impl Evaluator<'_> {
    /// The region of a provider configuration as seen from a module instance. `None` when
    /// the module has no such configuration and it is the default one (no provider block).
    /// A region the code does not give (no `region`, or a variable without a value) is a
    /// hole, the same for every provider block that takes it from the same place.
    pub fn provider_region(&self, inst: InstId, key: &str, at: Span) -> Option<Prop<SymStr>> {
        let instance = self.instance(inst);
        let Some(&(declared_in, file, block)) = instance.providers.get(key) else {
            if key.contains('.') {
                return Some(Prop::unknown(
                    format!(
                        "provider {key} is not configured for {}",
                        module_name(&instance.address)
                    ),
                    at,
                ));
            }
            return None;
        };
        let Some(region) = block.body.attribute("region") else {
            // From AWS_REGION or the AWS profile when Terraform runs.
            let source = format!("{file:?}@{}", block.span.start);
            return Some(Prop::known(
                self.hole(HoleKind::Region, &source),
                Span::new(file, block.span.clone()),
            ));
        };
        let span = Span::new(file, region.value.span.clone());
        let value = self.eval(&region.value, &Env::module(declared_in));
        self.locate(file, &region.value.span);
        Some(match value.and_then(|v| v.as_text()) {
            Ok(s) => Prop::known(s, span),
            Err(Stop::Unknown(reason)) => {
                // The same unknown (a variable of one module instance) gives the same
                // region, whichever provider block takes it.
                let source = format!("{}: {reason}", self.instance(declared_in).address);
                Prop::known(self.hole(HoleKind::Region, &source), span)
            }
            Err(Stop::Error(e)) => Prop::unknown(
                format!("the region of provider {key} cannot be evaluated: {e}"),
                span,
            ),
        })
    }

    /// The provider configuration key a block uses (`provider = aws.peer`).
    pub fn provider_key(block: &Block) -> String {
        if let Some(key) = block
            .body
            .attribute("provider")
            .and_then(|a| provider_key(&a.value))
        {
            return key;
        }
        let ty = block.labels.first().map_or("", |l| l.value.as_str());
        ty.split('_').next().unwrap_or(ty).to_owned()
    }
}
