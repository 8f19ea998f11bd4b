//! A transit gateway route table's routes, built once per table: static and blackhole
//! routes, prefix-list references, and what propagates into it (explicitly, or into the
//! propagation default table); and which table an attachment is associated with.

use super::super::vpc_cidrs;
use super::Router;
use crate::model::transit::{attachment_of, gateway_of_table};
use crate::model::{
    Attachment, AttachmentKind, Graph, Ipv4Net, Kind, Prop, ResourceId, TgwTable, Undecided, Val,
};
use crate::source::Span;
use std::rc::Rc;

/// Where a route sends traffic next.
#[derive(Clone, Debug)]
pub(super) enum Next {
    Attachment(Attachment),
    Blackhole,
}

/// A route of a transit-gateway table, ready for matching.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) destination: Ipv4Net,
    pub(super) rank: u8,
    pub(super) next: Result<Next, Undecided>,
    pub(super) owner: ResourceId,
    pub(super) span: Span,
}

/// The routes of one transit-gateway table.
#[derive(Debug)]
pub(in crate::reach) struct TableRoutes {
    pub(super) entries: Vec<Entry>,
    pub(super) ranked: Vec<(Ipv4Net, u8)>,
    /// A route, propagation or default whose value is not known: any match may be wrong.
    pub(super) unknown: Option<Undecided>,
}

/// Route ranks on equal prefixes (TGW guide, route evaluation order).
pub(super) const STATIC: u8 = 0;
pub(super) const PREFIX_LIST: u8 = 1;
pub(super) const VPC_PROPAGATED: u8 = 2;
pub(super) const DX_PROPAGATED: u8 = 3;
pub(super) const VPN_PROPAGATED: u8 = 4;

/// Is the option on? `None` is the default, `enable`.
fn enabled(graph: &Graph, p: Option<&Prop<String>>, what: &str) -> Result<bool, Undecided> {
    match p {
        None => Ok(true),
        Some(p) => match &p.val {
            Val::Known(v) => Ok(!v.eq_ignore_ascii_case("disable")),
            _ => Err(p.undecided(graph).expect("not known").context(what)),
        },
    }
}

impl Router<'_> {
    /// The table associated with an attachment on `tgw`: an explicit association, else the
    /// gateway's association default table when default association is on for both the
    /// gateway and the attachment; `None`: no table.
    pub(super) fn associated_table(
        &self,
        tgw: ResourceId,
        attachment: Attachment,
    ) -> Result<Option<TgwTable>, Undecided> {
        let graph = self.graph;
        let ix = &self.index.transit;
        for (_, table) in ix.associations.get(&attachment.id).into_iter().flatten() {
            let table = table.clone()?;
            if gateway_of_table(graph, table)? == tgw {
                return Ok(Some(table));
            }
        }
        for (table, why) in &ix.floating.associations {
            let here = match table {
                None => true,
                Some(t) => gateway_of_table(graph, *t).map_or(true, |g| g == tgw),
            };
            if here {
                return Err(why
                    .clone()
                    .context("an association may be this attachment's"));
            }
        }
        let Kind::TransitGateway(t) = &graph.get(tgw).kind else {
            unreachable!("walks start at transit gateways of the code");
        };
        let gateway_on = enabled(
            graph,
            t.default_association.as_ref(),
            "whether the transit gateway associates attachments with its default table is not known",
        )?;
        if !gateway_on || !self.attachment_default(attachment.id, false)? {
            return Ok(None);
        }
        self.default_table(tgw, false).map(Some)
    }

    /// Whether the attachment (and its accepters) leaves default association (or
    /// propagation) on.
    fn attachment_default(
        &self,
        attachment: ResourceId,
        propagation: bool,
    ) -> Result<bool, Undecided> {
        let graph = self.graph;
        let mut flags: Vec<&Option<Prop<bool>>> = Vec::new();
        if let Kind::TransitGatewayVpcAttachment(a) = &graph.get(attachment).kind {
            flags.push(if propagation {
                &a.default_propagation
            } else {
                &a.default_association
            });
        }
        for &acc in self
            .index
            .transit
            .accepters
            .get(&attachment)
            .into_iter()
            .flatten()
        {
            if let Kind::TgwAttachmentAccepter(a) = &graph.get(acc).kind {
                flags.push(if propagation {
                    &a.default_propagation
                } else {
                    &a.default_association
                });
            }
        }
        for flag in flags.into_iter().flatten() {
            match &flag.val {
                Val::Known(false) => return Ok(false),
                Val::Known(true) => {}
                _ => {
                    return Err(flag.undecided(graph).expect("not known").context(format!(
                        "whether {} uses the default {} table is not known",
                        graph.get(attachment).address,
                        if propagation {
                            "propagation"
                        } else {
                            "association"
                        }
                    )))
                }
            }
        }
        Ok(true)
    }

    /// The gateway's association (or propagation) default table, as repointed.
    fn default_table(&self, tgw: ResourceId, propagation: bool) -> Result<TgwTable, Undecided> {
        let ix = &self.index.transit;
        if let Some(why) = ix.floating.defaults.first() {
            return Err(why.clone());
        }
        let map = if propagation {
            &ix.default_propagation
        } else {
            &ix.default_association
        };
        match map.get(&tgw) {
            Some((_, table)) => table.clone(),
            None => Ok(TgwTable::Default(tgw)),
        }
    }

    /// A table's routes (cached).
    pub(super) fn tgw_table(&self, table: TgwTable) -> Rc<Result<TableRoutes, Undecided>> {
        if let Some(cached) = self.tgw_tables.borrow().get(&table) {
            return Rc::clone(cached);
        }
        let routes = Rc::new(self.build_tgw_table(table));
        self.tgw_tables
            .borrow_mut()
            .insert(table, Rc::clone(&routes));
        routes
    }

    #[allow(clippy::too_many_lines)]
    fn build_tgw_table(&self, table: TgwTable) -> Result<TableRoutes, Undecided> {
        let graph = self.graph;
        let ix = &self.index.transit;
        let tgw = gateway_of_table(graph, table)?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut unknown: Option<Undecided> = None;
        let mut note = |why: Undecided| {
            unknown.get_or_insert(why);
        };
        // Static routes and prefix-list references.
        for &id in ix.routes.get(&table).into_iter().flatten() {
            let Kind::TgwRoute(route) = &graph.get(id).kind else {
                continue;
            };
            let Some(&destination) = route.destination.known_value() else {
                note(
                    route
                        .destination
                        .undecided(graph)
                        .expect("not known")
                        .context(format!(
                            "the destination of {} is not known",
                            graph.get(id).address
                        )),
                );
                continue;
            };
            let blackhole = match route.blackhole.as_ref().map(|b| &b.val) {
                None | Some(Val::Known(false)) => Ok(false),
                Some(Val::Known(true)) => Ok(true),
                Some(_) => Err(route
                    .blackhole
                    .as_ref()
                    .and_then(|b| b.undecided(graph))
                    .expect("not known")
                    .context(format!(
                        "whether {} is a blackhole is not known",
                        graph.get(id).address
                    ))),
            };
            let next = blackhole.and_then(|blackhole| {
                if blackhole {
                    return Ok(Next::Blackhole);
                }
                match &route.attachment {
                    Some(a) => attachment_of(graph, a)
                        .map(Next::Attachment)
                        .map_err(|why| {
                            why.context(format!(
                                "the attachment {} routes to",
                                graph.get(id).address
                            ))
                        }),
                    None => Err(Undecided::new(
                        format!(
                            "{} names neither an attachment nor a blackhole",
                            graph.get(id).address
                        ),
                        graph.get(id).span,
                    )),
                }
            });
            entries.push(Entry {
                destination,
                rank: if route.prefix_list {
                    PREFIX_LIST
                } else {
                    STATIC
                },
                next,
                owner: id,
                span: graph.get(id).span,
            });
        }
        // Explicit propagations.
        let mut propagated: Vec<(ResourceId, Attachment)> =
            ix.propagations.get(&table).cloned().unwrap_or_default();
        // Default propagation into this table.
        let Kind::TransitGateway(t) = &graph.get(tgw).kind else {
            return Err(Undecided::new(
                format!(
                    "{} is not a transit gateway of the code",
                    graph.get(tgw).address
                ),
                graph.get(tgw).span,
            ));
        };
        match enabled(
            graph,
            t.default_propagation.as_ref(),
            "whether the transit gateway propagates attachments into its default table is not known",
        ) {
            Err(why) => note(why),
            Ok(false) => {}
            Ok(true) => match self.default_table(tgw, true) {
                Err(why) => note(why),
                Ok(default) if default == table => {
                    for &att in ix.attachments.get(&tgw).into_iter().flatten() {
                        if matches!(att.kind, AttachmentKind::Peering | AttachmentKind::Firewall) {
                            continue;
                        }
                        match self.attachment_default(att.id, true) {
                            Ok(true) => propagated.push((att.id, att)),
                            Ok(false) => {}
                            Err(why) => note(why),
                        }
                    }
                    if let Some((_, _, why)) = self
                        .index
                        .floating
                        .tgw_attachments
                        .iter()
                        .find(|(t, _, _)| t.is_none_or(|t| t == tgw))
                    {
                        note(why.clone().context("an attachment may propagate into this table"));
                    }
                }
                Ok(_) => {}
            },
        }
        for (owner, att) in propagated {
            let span = graph.get(owner).span;
            match att.kind {
                AttachmentKind::Vpc(vpc) => {
                    for cidr in vpc_cidrs(graph, self.index, vpc) {
                        match cidr.known_value() {
                            Some(&destination) => entries.push(Entry {
                                destination,
                                rank: VPC_PROPAGATED,
                                next: Ok(Next::Attachment(att)),
                                owner,
                                span,
                            }),
                            None => note(cidr.undecided(graph).expect("not known").context(
                                format!("a CIDR of {} is not known", graph.get(vpc).address),
                            )),
                        }
                    }
                    if let Some(why) = self.index.floating.cidr_blocks.first() {
                        note(why.clone());
                    }
                }
                AttachmentKind::Vpn => {
                    let Kind::VpnConnection(c) = &graph.get(att.id).kind else {
                        continue;
                    };
                    match c.static_routes_only.as_ref().map(|p| &p.val) {
                        Some(Val::Known(true)) => {
                            for &r in self
                                .index
                                .connection_routes
                                .get(&att.id)
                                .into_iter()
                                .flatten()
                            {
                                if let Kind::VpnConnectionRoute(route) = &graph.get(r).kind {
                                    match route.destination.known_value() {
                                        Some(&destination) => entries.push(Entry {
                                            destination,
                                            rank: VPN_PROPAGATED,
                                            next: Ok(Next::Attachment(att)),
                                            owner: r,
                                            span: graph.get(r).span,
                                        }),
                                        None => note(
                                            route.destination.undecided(graph).expect("not known"),
                                        ),
                                    }
                                }
                            }
                        }
                        _ => note(Undecided::new(
                            format!(
                                "{} propagates BGP routes whose destinations are not in the code",
                                graph.get(att.id).address
                            ),
                            span,
                        )),
                    }
                }
                AttachmentKind::DirectConnect => {
                    let _ = DX_PROPAGATED;
                    note(Undecided::new(
                        format!(
                            "{} propagates BGP routes from Direct Connect whose destinations are not in the code",
                            graph.get(att.id).address
                        ),
                        span,
                    ));
                }
                // A peering attachment propagates nothing (static routes only); a firewall
                // attachment has no addresses of its own.
                AttachmentKind::Peering | AttachmentKind::Firewall => {}
            }
        }
        for (t, why) in ix.floating.propagations.iter().chain(&ix.floating.routes) {
            let here = match t {
                None => true,
                Some(t) => *t == table,
            };
            if here {
                note(why.clone().context("a route may be in this table"));
            }
        }
        let unknown = unknown.map(|why| {
            why.context(format!(
                "the routes of {} are not all known",
                table.name(graph)
            ))
        });
        let ranked = entries.iter().map(|e| (e.destination, e.rank)).collect();
        Ok(TableRoutes {
            entries,
            ranked,
            unknown,
        })
    }
}
