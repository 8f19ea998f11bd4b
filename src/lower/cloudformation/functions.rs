//! Pure helpers of the intrinsic functions: `Fn::Cidr` as AWS computes it, `Fn::Base64`,
//! the `Fn::Sub` template syntax, and what a region implies (`AWS::Partition`,
//! `AWS::URLSuffix`). No tree, no graph: strings in, strings out.

use crate::model::Ipv4Net;

/// `Fn::Cidr [ipBlock, count, cidrBits]`: `count` consecutive blocks of `32 - cidrBits`
/// bits, starting at the network address of `ipBlock`, as AWS documents it
/// (`!Cidr ["192.168.0.0/24", 6, 5]` is six /27s from 192.168.0.0/27 to 192.168.0.160/27).
///
/// # Errors
/// The reason, when CloudFormation would reject the arguments (count outside 1..=256, a
/// block too small for the count, cidrBits that do not fit) or the block is not IPv4.
pub fn cidr(block: &str, count: &str, cidr_bits: &str) -> Result<Vec<String>, String> {
    if block
        .split_once('/')
        .is_some_and(|(addr, _)| addr.contains(':'))
    {
        return Err("Fn::Cidr over an IPv6 block is not computed (IPv6 is not modelled)".into());
    }
    let Some((addr, len)) = crate::model::cidr::parse_prefix(block) else {
        return Err(format!("Fn::Cidr: '{block}' is not a CIDR block"));
    };
    let count: u32 = count
        .parse()
        .ok()
        .filter(|c| (1..=256).contains(c))
        .ok_or_else(|| format!("Fn::Cidr: the count '{count}' must be between 1 and 256"))?;
    let bits: u8 = cidr_bits
        .parse()
        .ok()
        .filter(|b| *b <= 32)
        .ok_or_else(|| format!("Fn::Cidr: cidrBits '{cidr_bits}' must be between 0 and 32"))?;
    let new_len = 32 - bits;
    if new_len < len {
        return Err(format!(
            "Fn::Cidr: /{new_len} blocks ({bits} cidrBits) are larger than {block}"
        ));
    }
    let available = 1u64 << (new_len - len);
    if u64::from(count) > available {
        return Err(format!(
            "Fn::Cidr: {block} holds only {available} blocks of /{new_len}, {count} asked"
        ));
    }
    let base = Ipv4Net::new(addr, len).addr();
    let step = 1u64 << bits;
    Ok((0..u64::from(count))
        .map(|i| {
            let start = u64::from(base) + i * step;
            let start = u32::try_from(start).expect("inside the block, so below 2^32");
            Ipv4Net::new(start, new_len).to_string()
        })
        .collect())
}

/// Standard base64 with padding (`Fn::Base64`).
#[must_use]
pub fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A piece of an `Fn::Sub` template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubPart {
    Text(String),
    /// `${Name}` or `${Resource.Attribute}`, with its byte offset in the template string.
    Var {
        name: String,
        offset: usize,
    },
}

/// Splits an `Fn::Sub` template into text and variables. `${!Literal}` is the text
/// `${Literal}`; a `${` without its `}` is text, as CloudFormation leaves it.
#[must_use]
pub fn sub_parts(template: &str) -> Vec<SubPart> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    let mut consumed = 0;
    while let Some(start) = rest.find("${") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            text.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        if let Some(literal) = inner.strip_prefix('!') {
            text.push_str("${");
            text.push_str(literal);
            text.push('}');
        } else {
            if !text.is_empty() {
                parts.push(SubPart::Text(std::mem::take(&mut text)));
            }
            parts.push(SubPart::Var {
                name: inner.trim().to_owned(),
                offset: consumed + start,
            });
        }
        let used = start + 2 + end + 1;
        consumed += used;
        rest = &rest[used..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(SubPart::Text(text));
    }
    parts
}

/// `AWS::Partition` of a region.
#[must_use]
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// `AWS::URLSuffix` of a region.
#[must_use]
pub fn url_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_matches_the_aws_documentation_examples() {
        // AWS CloudFormation User Guide, Fn::Cidr: "!Cidr [ 192.168.0.0/24, 6, 5 ]".
        assert_eq!(
            cidr("192.168.0.0/24", "6", "5").unwrap(),
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27"
            ]
        );
        // The common VPC pattern: /24s out of a /16 (cidrBits 8).
        assert_eq!(
            cidr("10.0.0.0/16", "3", "8").unwrap(),
            ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
        );
        // Host bits of the block are ignored: blocks start at its network address.
        assert_eq!(cidr("10.0.7.9/16", "1", "12").unwrap(), ["10.0.0.0/20"]);
    }

    #[test]
    fn cidr_rejects_what_cloudformation_rejects() {
        assert!(
            cidr("10.0.0.0/24", "9", "5").is_err(),
            "only 8 /27s in a /24"
        );
        assert!(cidr("10.0.0.0/24", "0", "5").is_err());
        assert!(cidr("10.0.0.0/24", "257", "1").is_err());
        assert!(cidr("10.0.0.0/24", "1", "9").is_err(), "a /23 is larger");
        assert!(cidr("2001:db8::/56", "1", "64").is_err());
        assert_eq!(cidr("10.0.0.0/24", "256", "0").unwrap().len(), 256);
    }

    #[test]
    fn base64_is_standard() {
        assert_eq!(base64(""), "");
        assert_eq!(base64("f"), "Zg==");
        assert_eq!(base64("fo"), "Zm8=");
        assert_eq!(base64("foo"), "Zm9v");
        assert_eq!(base64("#!/bin/bash"), "IyEvYmluL2Jhc2g=");
    }

    #[test]
    fn sub_templates_split_into_text_and_variables() {
        assert_eq!(
            sub_parts("com.amazonaws.${AWS::Region}.${Svc}"),
            [
                SubPart::Text("com.amazonaws.".into()),
                SubPart::Var {
                    name: "AWS::Region".into(),
                    offset: 14
                },
                SubPart::Text(".".into()),
                SubPart::Var {
                    name: "Svc".into(),
                    offset: 29
                },
            ]
        );
        assert_eq!(
            sub_parts("${!Literal}-x"),
            [SubPart::Text("${Literal}-x".into())]
        );
        assert_eq!(sub_parts("a ${b"), [SubPart::Text("a ${b".into())]);
    }

    #[test]
    fn regions_imply_partitions() {
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(url_suffix("cn-north-1"), "amazonaws.com.cn");
    }

    proptest::proptest! {
        /// `Fn::Cidr` gives `count` consecutive, disjoint blocks of `32 - cidrBits` bits inside
        /// the block, the i-th at the network address plus i blocks (the AWS definition).
        #[test]
        fn cidr_blocks_are_consecutive_disjoint_and_inside(
            base in proptest::prelude::any::<u32>(), len in 8u8..=28, bits in 1u8..=12, count in 1u32..=256,
        ) {
            let block = Ipv4Net::new(base, len);
            let new_len = 32u8.saturating_sub(bits);
            let fits = new_len >= len && u64::from(count) <= 1u64 << (new_len - len);
            let result = cidr(&block.to_string(), &count.to_string(), &bits.to_string());
            proptest::prop_assert_eq!(result.is_ok(), fits, "{:?}", result);
            if let Ok(blocks) = result {
                proptest::prop_assert_eq!(blocks.len(), count as usize);
                for (i, b) in blocks.iter().enumerate() {
                    let net: Ipv4Net = b.parse().unwrap();
                    let i = u32::try_from(i).unwrap();
                    proptest::prop_assert_eq!(net, Ipv4Net::new(block.addr() + (i << bits), new_len));
                    proptest::prop_assert!(block.contains(net));
                }
            }
        }
    }
}
