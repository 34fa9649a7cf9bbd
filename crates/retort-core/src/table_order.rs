//! The order in which a set of tables can be created, and dropped, whatever
//! the shape of the foreign keys between them.

use std::collections::HashMap;

use crate::{ForeignKey, Table};

/// Tables in an order to create them in: every table after the tables its
/// foreign keys reference, except for the keys that close a cycle, which are
/// *deferred*: created without them, added once every table exists.
/// Dropping runs the other way: the deferred keys first, then the tables in
/// reverse order.
///
/// Only keys between tables of the set count: a key to a table outside it
/// (one that exists already, or stays) and a key of a table to itself never
/// constrain the order and are never deferred.
#[derive(Debug, Clone)]
pub struct TableOrder<'a> {
    tables: Vec<&'a Table>,
    /// Per entry of `tables`, whether each of its foreign keys is deferred.
    deferred: Vec<Vec<bool>>,
}

impl<'a> TableOrder<'a> {
    /// Orders `tables` with one depth-first pass over their foreign keys:
    /// linear in tables plus keys. Tables with no order between them keep
    /// the order they come in (a schema's tables come sorted by name).
    ///
    /// The pass follows each table's keys to their targets and places a
    /// table once all its targets are placed; a key that leads back to a
    /// table still waiting on it (a back edge, so a cycle) is deferred.
    /// Only keys inside a cycle are deferred, and the keys left form no
    /// cycle.
    pub fn new(tables: impl IntoIterator<Item = &'a Table>) -> Self {
        let input: Vec<&'a Table> = tables.into_iter().collect();
        let index: HashMap<&str, usize> = input
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        // Per table, (key position, target) for keys to other tables of the set.
        let edges: Vec<Vec<(usize, usize)>> = input
            .iter()
            .enumerate()
            .map(|(i, t)| {
                t.foreign_keys
                    .iter()
                    .enumerate()
                    .filter_map(|(k, f)| {
                        index
                            .get(f.ref_table.as_str())
                            .filter(|&&j| j != i)
                            .map(|&j| (k, j))
                    })
                    .collect()
            })
            .collect();

        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Placed,
        }
        let mut mark = vec![Mark::New; input.len()];
        let mut deferred: Vec<Vec<bool>> = input
            .iter()
            .map(|t| vec![false; t.foreign_keys.len()])
            .collect();
        let mut order: Vec<usize> = Vec::with_capacity(input.len());
        // (table, next edge to look at): an explicit stack, so a long chain
        // of keys cannot overflow the thread's stack.
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in 0..input.len() {
            if mark[root] != Mark::New {
                continue;
            }
            mark[root] = Mark::Open;
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (t, next) = *top;
                match edges[t].get(next) {
                    Some(&(key, target)) => {
                        top.1 += 1;
                        match mark[target] {
                            Mark::New => {
                                mark[target] = Mark::Open;
                                stack.push((target, 0));
                            }
                            Mark::Open => deferred[t][key] = true,
                            Mark::Placed => {}
                        }
                    }
                    None => {
                        stack.pop();
                        mark[t] = Mark::Placed;
                        order.push(t);
                    }
                }
            }
        }
        TableOrder {
            tables: order.iter().map(|&i| input[i]).collect(),
            deferred: order
                .iter()
                .map(|&i| std::mem::take(&mut deferred[i]))
                .collect(),
        }
    }

    /// The tables, parents before children.
    pub fn tables(&self) -> &[&'a Table] {
        &self.tables
    }

    /// Each table in creation order with the foreign keys it is created with
    /// (the deferred ones left out).
    pub fn create(&self) -> impl Iterator<Item = Table> + '_ {
        self.tables.iter().zip(&self.deferred).map(|(t, later)| {
            let mut now = (*t).clone();
            now.foreign_keys = t
                .foreign_keys
                .iter()
                .zip(later)
                .filter(|(_, later)| !**later)
                .map(|(f, _)| f.clone())
                .collect();
            now
        })
    }

    /// The keys that close a cycle, with their tables, in creation order.
    pub fn deferred(&self) -> impl Iterator<Item = (&'a Table, &'a ForeignKey)> + '_ {
        self.tables
            .iter()
            .zip(&self.deferred)
            .flat_map(|(t, later)| {
                t.foreign_keys
                    .iter()
                    .zip(later)
                    .filter(|(_, later)| **later)
                    .map(move |(f, _)| (*t, f))
            })
    }
}
