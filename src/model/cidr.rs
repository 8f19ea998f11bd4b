//! IPv4 prefixes: parsing and containment, for route matching.

use std::fmt;
use std::str::FromStr;

/// An IPv4 prefix, normalised (host bits cleared).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Net {
    addr: u32,
    len: u8,
}

impl Ipv4Net {
    /// # Panics
    /// Never for `len <= 32`; larger lengths are clamped.
    #[must_use]
    pub fn new(addr: u32, len: u8) -> Self {
        let len = len.min(32);
        Ipv4Net {
            addr: addr & Self::mask(len),
            len,
        }
    }

    fn mask(len: u8) -> u32 {
        if len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(len))
        }
    }

    #[must_use]
    pub fn addr(self) -> u32 {
        self.addr
    }

    #[must_use]
    pub fn prefix_len(self) -> u8 {
        self.len
    }

    /// Does this prefix contain every address of `other`?
    #[must_use]
    pub fn contains(self, other: Ipv4Net) -> bool {
        self.len <= other.len && (other.addr & Self::mask(self.len)) == self.addr
    }

    /// Does this prefix contain one address?
    #[must_use]
    pub fn contains_addr(self, addr: u32) -> bool {
        (addr & Self::mask(self.len)) == self.addr
    }

    /// Do the two prefixes share any address?
    #[must_use]
    pub fn overlaps(self, other: Ipv4Net) -> bool {
        self.contains(other) || other.contains(self)
    }
}

impl fmt::Display for Ipv4Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [o1, o2, o3, o4] = self.addr.to_be_bytes();
        write!(f, "{o1}.{o2}.{o3}.{o4}/{}", self.len)
    }
}

/// Parses a dotted-quad address as AWS and Go (`net.ParseIP`) accept it: four decimal
/// octets without leading zeros.
#[must_use]
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        let digits =
            !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit());
        if !digits || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then(|| u32::from_be_bytes(octets))
}

/// Parses `a.b.c.d/len` into the address as written (host bits and all) and the prefix
/// length: the one CIDR parser of the crate. No spaces, no sign, no leading zeros; the
/// callers decide what host bits mean (AWS rejects them, Terraform's functions mask them).
#[must_use]
pub fn parse_prefix(s: &str) -> Option<(u32, u8)> {
    let (addr, len) = s.split_once('/')?;
    let len_ok = !len.is_empty()
        && len.len() <= 2
        && len.bytes().all(|b| b.is_ascii_digit())
        && !(len.len() > 1 && len.starts_with('0'));
    let len: u8 = len.parse().ok().filter(|l| len_ok && *l <= 32)?;
    Some((parse_ipv4(addr)?, len))
}

impl FromStr for Ipv4Net {
    type Err = String;

    /// `10.0.0.0/16`. Host bits set (`10.0.0.1/16`) are an error, as AWS rejects them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, len) = parse_prefix(s).ok_or_else(|| {
            if s.contains('/') {
                format!("'{s}' is not an IPv4 CIDR block")
            } else {
                format!("'{s}' is not an IPv4 CIDR block (missing '/len')")
            }
        })?;
        let net = Ipv4Net::new(addr, len);
        if net.addr != addr {
            return Err(format!("'{s}' has host bits set (the network is {net})"));
        }
        Ok(net)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_displays() {
        assert_eq!(net("10.0.0.0/16").to_string(), "10.0.0.0/16");
        assert_eq!(net("0.0.0.0/0").prefix_len(), 0);
        assert!("10.0.0.1/16".parse::<Ipv4Net>().is_err());
        assert!("10.0.0.0/33".parse::<Ipv4Net>().is_err());
        assert!("10.0.0/16".parse::<Ipv4Net>().is_err());
        assert!("256.0.0.0/8".parse::<Ipv4Net>().is_err());
        assert!("10.0.0.0".parse::<Ipv4Net>().is_err());
    }

    #[test]
    fn containment() {
        assert!(net("10.0.0.0/16").contains(net("10.0.1.0/24")));
        assert!(!net("10.0.1.0/24").contains(net("10.0.0.0/16")));
        assert!(net("0.0.0.0/0").contains(net("172.16.0.0/12")));
        assert!(!net("10.0.0.0/16").contains(net("10.1.0.0/24")));
        assert!(net("10.0.0.0/16").overlaps(net("10.0.0.0/8")));
        assert!(net("10.0.0.0/24").contains_addr(parse_ipv4("10.0.0.255").unwrap()));
    }
}
