//! The evaluation budget of one unit: what evaluating hostile input may cost.
//!
//! Both evaluators (Terraform expressions and functions, CloudFormation intrinsic functions
//! and conditions) measure every value they build and charge it to one [`Budget`], which
//! [`super::lower`] creates for each unit. The limits are the same for both languages:
//!
//! - per value: [`MAX_VALUE_ELEMENTS`] elements (list and map entries, nested ones
//!   included), [`MAX_VALUE_BYTES`] bytes of text, [`MAX_DEPTH`] levels of nesting;
//! - per evaluation: [`MAX_DEPTH`] levels of nested evaluation (references that refer to
//!   references, conditions that refer to conditions, expressions inside expressions);
//! - per unit: [`MAX_STEPS`] values built, and [`MAX_BUILT_BYTES`] bytes built or copied
//!   (an element counts as [`ELEMENT_BYTES`]).
//!
//! A value past a limit is not built: the evaluator makes it Unknown with the reason (so
//! that what depends on it is unchecked, never guessed) and the budget records a located
//! error for the unit ("value too large: 100,001 elements"). Once the unit's
//! work is used up, everything it still evaluates is Unknown; the error is reported once.
//! The other units have budgets of their own, so the rest of the tree is checked as before.
//!
//! The evaluators build values from values already measured, so a value is measured when
//! it is made (cost proportional to its size, like the copy that made it); functions whose
//! result can be much larger than their arguments (`format` widths, `join`, `replace`,
//! `split`, `Fn::Join`, `Fn::Sub`) ask [`Budget::reserve`] before allocating.
//!
//! YAML alias expansion is bounded in the parser, which comes before lowering
//! (`syntax::yaml::MAX_ALIAS_BYTES`).

use std::cell::{Cell, RefCell};

use super::LowerError;
use crate::source::{FileId, Span};

/// The most elements one value may have (list and map entries, nested ones included).
pub const MAX_VALUE_ELEMENTS: u64 = 100_000;
/// The most bytes of text (strings and map keys) one value may hold.
pub const MAX_VALUE_BYTES: u64 = 16 * 1024 * 1024;
/// The deepest a value may nest, and an evaluation (references, calls, conditions).
pub const MAX_DEPTH: usize = 200;
/// The most values one unit may build (every expression or intrinsic function evaluated).
pub const MAX_STEPS: u64 = 10_000_000;
/// The most bytes one unit may build or copy into values.
pub const MAX_BUILT_BYTES: u64 = 512 * 1024 * 1024;
/// What an element of a list or map counts for in [`MAX_BUILT_BYTES`].
pub const ELEMENT_BYTES: u64 = 32;

/// The size of a value: its elements (a scalar is none), its bytes of text, and how deep
/// it nests (a scalar is 0, a list of scalars 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Size {
    pub elements: u64,
    pub bytes: u64,
    pub depth: usize,
}

impl Size {
    /// A value of `bytes` bytes of text and no elements.
    #[must_use]
    pub fn text(bytes: usize) -> Size {
        Size {
            bytes: bytes as u64,
            ..Size::default()
        }
    }

    /// The size of a list or map grown by one element of size `item`.
    pub fn push(&mut self, item: Size) {
        self.elements = self.elements.saturating_add(item.elements + 1);
        self.bytes = self.bytes.saturating_add(item.bytes);
        self.depth = self.depth.max(item.depth + 1);
    }

    /// Whether measuring can stop: the value is past a per-value limit already.
    #[must_use]
    pub fn past_limits(&self) -> bool {
        self.elements > MAX_VALUE_ELEMENTS || self.bytes > MAX_VALUE_BYTES || self.depth > MAX_DEPTH
    }

    fn weight(&self) -> u64 {
        self.elements
            .saturating_mul(ELEMENT_BYTES)
            .saturating_add(self.bytes)
    }
}

/// What went past the budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Excess {
    /// A value with more than [`MAX_VALUE_ELEMENTS`] elements (at least this many).
    Elements(u64),
    /// A value with more than [`MAX_VALUE_BYTES`] bytes of text (at least this many).
    Bytes(u64),
    /// A value or an evaluation nested deeper than [`MAX_DEPTH`].
    Depth,
    /// The unit used up its work ([`MAX_STEPS`] or [`MAX_BUILT_BYTES`]).
    Work,
}

impl Excess {
    /// The error the unit reports where it happened.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Excess::Elements(n) => format!(
                "value too large: {} elements (vpclint evaluates values of up to {} elements); it is not evaluated",
                thousands(*n),
                thousands(MAX_VALUE_ELEMENTS)
            ),
            Excess::Bytes(n) => format!(
                "value too large: {} bytes of text (vpclint evaluates values of up to {} MiB); it is not evaluated",
                thousands(*n),
                MAX_VALUE_BYTES >> 20
            ),
            Excess::Depth => format!(
                "nesting too deep: values and references nest at most {MAX_DEPTH} levels in vpclint's evaluation; this one is not evaluated"
            ),
            Excess::Work => format!(
                "evaluation stopped: this unit needs more than vpclint's budget of {} evaluation steps or {} MiB of values built; what it had not evaluated yet is unknown",
                thousands(MAX_STEPS),
                MAX_BUILT_BYTES >> 20
            ),
        }
    }

    /// The reason of the Unknown the value becomes.
    #[must_use]
    pub fn reason(&self) -> String {
        match self {
            Excess::Elements(n) => format!(
                "a value of {} elements is past vpclint's evaluation budget",
                thousands(*n)
            ),
            Excess::Bytes(n) => format!(
                "a value of {} bytes is past vpclint's evaluation budget",
                thousands(*n)
            ),
            Excess::Depth => {
                format!("the value nests deeper than vpclint evaluates ({MAX_DEPTH} levels)")
            }
            Excess::Work => {
                "the evaluation of this unit stopped: it used up vpclint's evaluation budget"
                    .to_owned()
            }
        }
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The budget of one unit's evaluation (see the module documentation).
///
/// An excess is first *pending*: the evaluator that meets it knows the expression but not
/// always its file, so the nearest caller that knows where it is (a local, an output, a
/// resource argument, a template's node) calls [`Budget::locate`] to turn it into an error.
#[derive(Debug, Default)]
pub struct Budget {
    steps: Cell<u64>,
    built: Cell<u64>,
    /// The unit's work is used up: every later value is refused.
    spent: Cell<bool>,
    pending: RefCell<Option<Excess>>,
    work_reported: Cell<bool>,
    /// The kinds of excess reported in each file.
    reported: RefCell<Vec<(FileId, std::mem::Discriminant<Excess>)>>,
    errors: RefCell<Vec<LowerError>>,
}

impl Budget {
    #[must_use]
    pub fn new() -> Self {
        Budget::default()
    }

    /// A value of `size` was built: checks the per-value limits and charges the unit.
    ///
    /// # Errors
    /// The excess, when the value is past a limit or the unit's work is used up (then the
    /// value must not be used: the caller makes it Unknown with [`Excess::reason`]).
    pub fn admit(&self, size: Size) -> Result<(), Excess> {
        if self.spent.get() {
            return Err(Excess::Work);
        }
        self.reserve(size)?;
        let steps = self.steps.get() + 1;
        let built = self.built.get().saturating_add(size.weight());
        self.steps.set(steps);
        self.built.set(built);
        if steps > MAX_STEPS || built > MAX_BUILT_BYTES {
            self.spent.set(true);
            return Err(self.pend(Excess::Work));
        }
        Ok(())
    }

    /// A value of (at most) `size` is about to be built: checks the per-value limits, so
    /// that a function does not allocate what would be refused.
    ///
    /// # Errors
    /// The excess, as for [`Budget::admit`].
    pub fn reserve(&self, size: Size) -> Result<(), Excess> {
        if self.spent.get() {
            return Err(Excess::Work);
        }
        let excess = if size.depth > MAX_DEPTH {
            Excess::Depth
        } else if size.elements > MAX_VALUE_ELEMENTS {
            Excess::Elements(size.elements)
        } else if size.bytes > MAX_VALUE_BYTES {
            Excess::Bytes(size.bytes)
        } else {
            return Ok(());
        };
        Err(self.pend(excess))
    }

    /// An evaluation at nesting `depth` (0 at the top): refused past [`MAX_DEPTH`].
    ///
    /// # Errors
    /// [`Excess::Depth`], or [`Excess::Work`] once the unit's work is used up.
    pub fn enter(&self, depth: usize) -> Result<(), Excess> {
        if self.spent.get() {
            return Err(Excess::Work);
        }
        if depth >= MAX_DEPTH {
            return Err(self.pend(Excess::Depth));
        }
        Ok(())
    }

    /// Whether the unit's work is used up.
    #[must_use]
    pub fn spent(&self) -> bool {
        self.spent.get()
    }

    /// The work used so far: values built, and bytes built or copied.
    #[must_use]
    pub fn used(&self) -> (u64, u64) {
        (self.steps.get(), self.built.get())
    }

    /// Keeps the first excess met until a caller locates it.
    fn pend(&self, excess: Excess) -> Excess {
        let mut pending = self.pending.borrow_mut();
        if pending.is_none() {
            *pending = Some(excess.clone());
        }
        excess
    }

    /// Reports the pending excess, if any, as an error at `span` (the value being
    /// evaluated there, in the file it is written in).
    pub fn locate(&self, span: Span) {
        if let Some(excess) = self.pending.borrow_mut().take() {
            self.report(span, &excess);
        }
    }

    /// Reports an excess at `span`: the first of each kind in each file (a loop over a
    /// value too large would report it at every turn), and the unit's work once.
    pub fn report(&self, span: Span, excess: &Excess) {
        if *excess == Excess::Work && self.work_reported.replace(true) {
            return;
        }
        let kind = std::mem::discriminant(excess);
        if self.reported.borrow().contains(&(span.file, kind)) {
            return;
        }
        self.reported.borrow_mut().push((span.file, kind));
        self.errors.borrow_mut().push(LowerError {
            span,
            message: excess.message(),
        });
    }

    /// The errors reported so far (taken); a pending excess no caller located is reported
    /// at `fallback`.
    pub fn take_errors(&self, fallback: Span) -> Vec<LowerError> {
        self.locate(fallback);
        self.errors.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: usize) -> Span {
        Span::new(FileId(0), n..n + 1)
    }

    #[test]
    fn values_past_a_limit_are_refused_and_located_once() {
        let budget = Budget::new();
        assert_eq!(budget.admit(Size::text(10)), Ok(()));
        let big = Size {
            elements: MAX_VALUE_ELEMENTS + 1,
            ..Size::default()
        };
        assert_eq!(
            budget.admit(big),
            Err(Excess::Elements(MAX_VALUE_ELEMENTS + 1))
        );
        // The first excess is the one located; a later one waits for its own place.
        let _ = budget.reserve(Size::text(usize::MAX >> 8));
        budget.locate(at(3));
        budget.locate(at(4));
        let errors = budget.take_errors(at(0));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].span, at(3));
        assert!(
            errors[0]
                .message
                .starts_with("value too large: 100,001 elements"),
            "{}",
            errors[0].message
        );
        // The budget is still there for values within the limits.
        assert_eq!(budget.admit(Size::text(10)), Ok(()));
    }

    #[test]
    fn the_units_work_is_bounded_and_reported_once() {
        let budget = Budget::new();
        let chunk = Size {
            elements: MAX_VALUE_ELEMENTS,
            ..Size::default()
        };
        let mut admitted = 0u64;
        while budget.admit(chunk).is_ok() {
            admitted += 1;
        }
        assert_eq!(
            admitted,
            MAX_BUILT_BYTES / (MAX_VALUE_ELEMENTS * ELEMENT_BYTES)
        );
        assert!(budget.spent());
        assert_eq!(budget.admit(Size::default()), Err(Excess::Work));
        assert_eq!(budget.enter(0), Err(Excess::Work));
        budget.locate(at(1));
        budget.report(at(2), &Excess::Work);
        let errors = budget.take_errors(at(0));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.starts_with("evaluation stopped"));
    }

    #[test]
    fn depth_is_bounded() {
        let budget = Budget::new();
        assert_eq!(budget.enter(MAX_DEPTH - 1), Ok(()));
        assert_eq!(budget.enter(MAX_DEPTH), Err(Excess::Depth));
        let deep = Size {
            depth: MAX_DEPTH + 1,
            ..Size::default()
        };
        assert_eq!(budget.admit(deep), Err(Excess::Depth));
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(999), "999");
    }
}
