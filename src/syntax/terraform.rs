//! Terraform native syntax (`.tf`) → [`super::hcl::Body`], through hcl-edit, which keeps the byte
//! span of every block, attribute and expression.
//!
//! hcl-edit stops at the first syntax error. So that one bad block does not hide the rest of
//! the file, a file that fails to parse is split into its top-level blocks (by brace
//! matching that respects strings, comments and heredocs) and each block is parsed on its
//! own; the blocks that parse are kept, each failure is reported once.

use std::ops::Range;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

use super::comments::{self, HclToken};
use super::hcl::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, ForExpr, Label, TemplatePart, TraversalOp,
    UnaryOp,
};
use super::{Parsed, SyntaxError};

/// Deeper expressions than this are cut off (as `null`) with an error, so a hostile file
/// cannot overflow the stack in the conversion.
const MAX_DEPTH: usize = 256;

/// Parses a `.tf` file.
#[must_use]
pub fn parse(text: &str) -> Parsed<Body> {
    let mut errors = Vec::new();
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => convert_body(&body, 0, &mut errors),
        Err(error) => {
            errors.push(error_at(text, 0, &error));
            recover(text, &mut errors)
        }
    };
    Parsed { tree: body, errors }
}

/// Parses a template string (used by the `.tf.json` reader), shifting spans by `offset`.
pub(crate) fn parse_template_at(
    text: &str,
    offset: usize,
    errors: &mut Vec<SyntaxError>,
) -> Option<Expr> {
    match hcl_edit::parser::parse_template(text) {
        Ok(template) => {
            let mut conv = Converter {
                errors,
                offset,
                depth: 0,
            };
            let parts = conv.template(&template);
            Some(Expr {
                kind: ExprKind::Template(parts),
                span: offset..offset + text.len(),
            })
        }
        Err(error) => {
            errors.push(error_at(text, offset, &error));
            None
        }
    }
}

fn error_at(text: &str, offset: usize, error: &hcl_edit::parser::Error) -> SyntaxError {
    let loc = error.location();
    // hcl-edit's location is 1-based line and column (in characters); find its byte offset.
    let line_start = text
        .split_inclusive('\n')
        .take(loc.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let rest = &text[line_start.min(text.len())..];
    let col = rest
        .char_indices()
        .nth(loc.column().saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    let at = (line_start + col).min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    SyntaxError::new(
        offset + at..offset + end,
        format!("invalid HCL: {}", error.message()),
    )
}

fn convert_body(
    body: &hcl_edit::structure::Body,
    offset: usize,
    errors: &mut Vec<SyntaxError>,
) -> Body {
    let mut conv = Converter {
        errors,
        offset,
        depth: 0,
    };
    conv.body(body)
}

struct Converter<'e> {
    errors: &'e mut Vec<SyntaxError>,
    offset: usize,
    depth: usize,
}

impl Converter<'_> {
    fn span(&self, span: Option<Range<usize>>) -> Range<usize> {
        span.map_or(self.offset..self.offset, |r| {
            r.start + self.offset..r.end + self.offset
        })
    }

    fn body(&mut self, body: &hcl_edit::structure::Body) -> Body {
        let mut out = Body::default();
        for structure in body {
            match structure {
                Structure::Attribute(attr) => {
                    let value = self.expr(&attr.value);
                    out.attributes.push(Attribute {
                        name: attr.key.as_str().to_owned(),
                        name_span: self.span(attr.key.span()),
                        span: self.span(attr.span()),
                        value,
                    });
                }
                Structure::Block(block) => {
                    if self.depth >= MAX_DEPTH {
                        self.too_deep(block.span());
                        continue;
                    }
                    self.depth += 1;
                    let inner = self.body(&block.body);
                    self.depth -= 1;
                    out.blocks.push(Block {
                        kind: block.ident.as_str().to_owned(),
                        labels: block
                            .labels
                            .iter()
                            .map(|label| Label {
                                value: match label {
                                    BlockLabel::Ident(i) => i.as_str().to_owned(),
                                    BlockLabel::String(s) => s.value().clone(),
                                },
                                span: self.span(label.span()),
                            })
                            .collect(),
                        body: inner,
                        span: self.span(block.span()),
                    });
                }
            }
        }
        out
    }

    fn too_deep(&mut self, span: Option<Range<usize>>) {
        let span = self.span(span);
        self.errors.push(SyntaxError::new(
            span,
            format!("nesting deeper than {MAX_DEPTH} levels; the rest of this value is not read"),
        ));
    }

    fn expr(&mut self, expr: &Expression) -> Expr {
        let span = self.span(expr.span());
        if self.depth >= MAX_DEPTH {
            self.too_deep(expr.span());
            return Expr {
                kind: ExprKind::Null,
                span,
            };
        }
        self.depth += 1;
        let kind = self.expr_kind(expr);
        self.depth -= 1;
        Expr { kind, span }
    }

    fn expr_kind(&mut self, expr: &Expression) -> ExprKind {
        match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => ExprKind::String(s.value().clone()),
            Expression::Array(items) => {
                ExprKind::Tuple(items.iter().map(|e| self.expr(e)).collect())
            }
            Expression::Object(object) => ExprKind::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let key = match key {
                            ObjectKey::Ident(ident) => Expr {
                                kind: ExprKind::String(ident.as_str().to_owned()),
                                span: self.span(ident.span()),
                            },
                            ObjectKey::Expression(e) => self.expr(e),
                        };
                        (key, self.expr(value.expr()))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(template) => ExprKind::Template(self.template(template)),
            Expression::HeredocTemplate(heredoc) => {
                ExprKind::Template(self.template(&heredoc.template))
            }
            Expression::Parenthesis(inner) => self.expr(inner.inner()).kind,
            Expression::Variable(name) => ExprKind::Variable(name.as_str().to_owned()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr)),
                Box::new(self.expr(&c.true_expr)),
                Box::new(self.expr(&c.false_expr)),
            ),
            Expression::FuncCall(call) => {
                let mut name = String::new();
                for ns in &call.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(call.name.name.as_str());
                ExprKind::Call {
                    name,
                    args: call.args.iter().map(|a| self.expr(a)).collect(),
                    expand_final: call.args.expand_final(),
                }
            }
            Expression::Traversal(traversal) => {
                let root = self.expr(&traversal.expr);
                let ops = traversal
                    .operators
                    .iter()
                    .map(|op| match op.value() {
                        TraversalOperator::AttrSplat(_) => TraversalOp::AttrSplat,
                        TraversalOperator::FullSplat(_) => TraversalOp::FullSplat,
                        TraversalOperator::GetAttr(ident) => {
                            TraversalOp::GetAttr(ident.as_str().to_owned())
                        }
                        TraversalOperator::Index(index) => TraversalOp::Index(self.expr(index)),
                        TraversalOperator::LegacyIndex(i) => {
                            #[allow(clippy::cast_precision_loss)]
                            let n = *i.value() as f64;
                            TraversalOp::Index(Expr {
                                kind: ExprKind::Number(n),
                                span: self.span(i.span()),
                            })
                        }
                    })
                    .collect();
                ExprKind::Traversal(Box::new(root), ops)
            }
            Expression::UnaryOp(op) => ExprKind::Unary(
                match op.operator.value() {
                    UnaryOperator::Neg => UnaryOp::Neg,
                    UnaryOperator::Not => UnaryOp::Not,
                },
                Box::new(self.expr(&op.expr)),
            ),
            Expression::BinaryOp(op) => ExprKind::Binary(
                match op.operator.value() {
                    BinaryOperator::Eq => BinaryOp::Eq,
                    BinaryOperator::NotEq => BinaryOp::NotEq,
                    BinaryOperator::LessEq => BinaryOp::LessEq,
                    BinaryOperator::GreaterEq => BinaryOp::GreaterEq,
                    BinaryOperator::Less => BinaryOp::Less,
                    BinaryOperator::Greater => BinaryOp::Greater,
                    BinaryOperator::Mul => BinaryOp::Mul,
                    BinaryOperator::Div => BinaryOp::Div,
                    BinaryOperator::Mod => BinaryOp::Mod,
                    BinaryOperator::Plus => BinaryOp::Add,
                    BinaryOperator::Minus => BinaryOp::Sub,
                    BinaryOperator::And => BinaryOp::And,
                    BinaryOperator::Or => BinaryOp::Or,
                },
                Box::new(self.expr(&op.lhs_expr)),
                Box::new(self.expr(&op.rhs_expr)),
            ),
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_owned()),
                value_var: f.intro.value_var.as_str().to_owned(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                grouping: f.grouping,
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
            })),
        }
    }

    fn template(&mut self, template: &Template) -> Vec<TemplatePart> {
        template
            .iter()
            .map(|element| match element {
                Element::Literal(lit) => TemplatePart::Literal(lit.value().clone()),
                Element::Interpolation(interp) => {
                    TemplatePart::Interpolation(self.expr(&interp.expr))
                }
                Element::Directive(d) => TemplatePart::Directive(self.span(d.span())),
            })
            .collect()
    }
}

/// Error recovery: parse each top-level block on its own.
fn recover(text: &str, errors: &mut Vec<SyntaxError>) -> Body {
    let mut body = Body::default();
    let mut first_error_reported = true; // the whole-file error is already in `errors`
    for range in top_level_chunks(text) {
        let chunk = &text[range.clone()];
        match hcl_edit::parser::parse_body(chunk) {
            Ok(parsed) => {
                let mut part = convert_body(&parsed, range.start, errors);
                body.attributes.append(&mut part.attributes);
                body.blocks.append(&mut part.blocks);
            }
            Err(error) => {
                let e = error_at(chunk, range.start, &error);
                // The whole-file error usually points into the first broken chunk: keep one.
                if first_error_reported && errors.iter().any(|x| x.range == e.range) {
                    first_error_reported = false;
                    continue;
                }
                errors.push(e);
            }
        }
    }
    body
}

/// Byte ranges of the top-level structures of an HCL text, found by tracking brackets
/// outside strings, comments and heredocs (the scanner of `syntax::comments`). A chunk ends
/// at a newline at depth 0 after a `}` or after an attribute line.
fn top_level_chunks(text: &str) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut depth: i64 = 0;
    comments::hcl_tokens(text, &mut |token| match token {
        HclToken::Open(_) => depth += 1,
        HclToken::Close(_) => depth -= 1,
        HclToken::Newline(at) if depth <= 0 => {
            depth = 0;
            if !text[start..=at].trim().is_empty() {
                chunks.push(start..at + 1);
            }
            start = at + 1;
        }
        HclToken::Newline(_) | HclToken::Comment(_) => {}
    });
    if start < text.len() && !text[start..].trim().is_empty() {
        chunks.push(start..text.len());
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values() {
        let text = "resource \"aws_instance\" \"x\" {\n  instance_type = \"m4.large\"\n}\n";
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let block = &parsed.tree.blocks[0];
        assert_eq!(block.kind, "resource");
        assert_eq!(block.labels[1].value, "x");
        let attr = block.body.attribute("instance_type").unwrap();
        assert_eq!(&text[attr.value.span.clone()], "\"m4.large\"");
        assert_eq!(&text[attr.name_span.clone()], "instance_type");
        assert_eq!(attr.value.kind, ExprKind::String("m4.large".into()));
    }

    #[test]
    fn references_are_traversals() {
        let parsed = parse("a = aws_vpc.main.id\nb = \"${aws_subnet.x[0].id}\"\n");
        let a = parsed.tree.attribute("a").unwrap();
        assert_eq!(
            a.value.as_reference().unwrap(),
            vec!["aws_vpc", "main", "id"]
        );
        let b = parsed.tree.attribute("b").unwrap();
        assert_eq!(
            b.value.as_reference().unwrap(),
            vec!["aws_subnet", "x", "[0]", "id"]
        );
    }

    #[test]
    fn a_broken_block_does_not_hide_the_others() {
        let text = "resource \"a\" \"one\" {\n  x = 1\n}\n\nresource \"b\" \"two\" {\n  y = = 2\n}\n\nresource \"c\" \"three\" {\n  z = \"ok\"\n}\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        let names: Vec<_> = parsed
            .tree
            .blocks
            .iter()
            .map(|b| b.labels[1].value.as_str())
            .collect();
        assert_eq!(names, ["one", "three"]);
        let err = &parsed.errors[0];
        // The error is on line 6, inside the broken block.
        let line = text[..err.range.start].matches('\n').count() + 1;
        assert_eq!(line, 6, "{err:?}");
    }

    #[test]
    fn heredocs_and_comments_do_not_confuse_recovery() {
        let text = "# }}}\nlocals {\n  s = <<EOT\n}\nEOT\n}\nbroken {\n";
        let parsed = parse(text);
        assert_eq!(parsed.tree.blocks.len(), 1);
        assert_eq!(parsed.errors.len(), 1);
    }
}
