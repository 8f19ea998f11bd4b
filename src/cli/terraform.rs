//! `vpclint check` flags for Terraform.

use crate::lower::terraform::TerraformOptions;

#[derive(Debug, Default, clap::Args)]
pub struct TerraformArgs {}

impl TerraformArgs {
    /// The lowering options these flags select.
    pub fn options(&self) -> TerraformOptions {
        let Self {} = self;
        TerraformOptions::default()
    }
}
