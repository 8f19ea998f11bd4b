//! `vpclint check` flags for CloudFormation.

use crate::lower::cloudformation::CloudFormationOptions;

#[derive(Debug, Default, clap::Args)]
pub struct CloudFormationArgs {
    /// The AWS region CloudFormation templates are deployed to (`AWS::Region`, and what a
    /// peering's `PeerRegion` is compared with).
    #[arg(long)]
    pub region: Option<String>,
}

impl CloudFormationArgs {
    /// The lowering options these flags select.
    pub fn options(&self) -> CloudFormationOptions {
        CloudFormationOptions {
            region: self.region.clone(),
        }
    }
}
