//! vpclint's own spanned HCL tree. Both Terraform syntaxes (native `.tf` through hcl-edit,
//! and `.tf.json`) lower into it, so the evaluator and the lowering see one shape.
//! Spans are byte ranges into the file.

use std::ops::Range;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// `resource`, `provider`, `route`, …
    pub kind: String,
    pub labels: Vec<Label>,
    pub body: Body,
    /// From the block's first token to its closing brace.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub value: String,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub name_span: Range<usize>,
    pub value: Expr,
    /// From the name to the end of the value.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string without interpolation.
    String(String),
    /// A string with interpolations (or directives, kept as [`TemplatePart::Directive`]).
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    /// Keys are expressions; a bare identifier key is a [`ExprKind::String`].
    Object(Vec<(Expr, Expr)>),
    /// A root name: `var`, `local`, `aws_vpc`, `each`, `count`, `module`, `data`, …
    Variable(String),
    /// `expr.name`, `expr[index]`, `expr.*`, `expr[*]`.
    Traversal(Box<Expr>, Vec<TraversalOp>),
    Call {
        name: String,
        args: Vec<Expr>,
        /// `f(list...)`
        expand_final: bool,
    },
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    /// `%{if}` / `%{for}` directives: kept for their span, evaluated as Unknown for now.
    Directive(Range<usize>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TraversalOp {
    GetAttr(String),
    Index(Expr),
    /// `.*`
    AttrSplat,
    /// `[*]`
    FullSplat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    LessEq,
    GreaterEq,
    Less,
    Greater,
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// `Some` for an object `for` (`{for k, v in x : k => v}`).
    pub key: Option<Expr>,
    pub value: Expr,
    pub grouping: bool,
    pub cond: Option<Expr>,
}

impl Body {
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

impl Expr {
    /// The reference this expression is, if it is a plain traversal of names:
    /// `aws_vpc.a.id` → `["aws_vpc", "a", "id"]`. Index steps with literal keys are kept as
    /// `[0]` / `["k"]` parts.
    #[must_use]
    pub fn as_reference(&self) -> Option<Vec<String>> {
        match &self.kind {
            ExprKind::Variable(root) => Some(vec![root.clone()]),
            ExprKind::Traversal(root, ops) => {
                let ExprKind::Variable(name) = &root.kind else {
                    return None;
                };
                let mut parts = vec![name.clone()];
                for op in ops {
                    match op {
                        TraversalOp::GetAttr(a) => parts.push(a.clone()),
                        TraversalOp::Index(Expr {
                            kind: ExprKind::Number(n),
                            ..
                        }) => parts.push(format!("[{n}]")),
                        TraversalOp::Index(Expr {
                            kind: ExprKind::String(s),
                            ..
                        }) => parts.push(format!("[{s:?}]")),
                        _ => return None,
                    }
                }
                Some(parts)
            }
            // `"${aws_vpc.a.id}"` is the same reference (Terraform 0.11 style, and .tf.json).
            ExprKind::Template(parts) => match parts.as_slice() {
                [TemplatePart::Interpolation(inner)] => inner.as_reference(),
                _ => None,
            },
            _ => None,
        }
    }
}
