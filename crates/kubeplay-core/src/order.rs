//! Stable sorting with a single sort instantiation for the whole program.
//!
//! Why this exists: `slice::sort*` is generic over the element type and the
//! comparator, so every call site (every closure is its own type) compiles a
//! full copy of the standard library's sort (driftsort or ipnsort, with their
//! small-sort and merge helpers, 2-5 KB of wasm each). Twenty-odd call sites
//! made about 110 KB of the shipped wasm. Here the only call of the standard
//! sort is on a `[usize]` of indices with a `dyn` comparator, compiled once;
//! what remains per element type is a closure that compares two elements by
//! index and one that swaps two elements.
//!
//! Every function here is a stable sort (equal elements keep their input
//! order), so they replace `sort`, `sort_by`, `sort_by_key` and
//! `sort_by_cached_key` exactly, and `sort_unstable*` wherever the order is
//! total. Elements are moved only by the final `len - 1` swaps at most (as in
//! `sort_by_cached_key`), however many comparisons the sort makes, which suits
//! large elements. Use these instead of the slice methods in every crate that
//! ends up in the wasm (clippy's `disallowed-methods` enforces it).
//!
//! `collect()` into a `BTreeMap` or `BTreeSet` (and their `From<[_; N]>`)
//! sorts too, with one more copy of the sort per element type: use
//! [`btree_map`] and [`btree_set`], which insert one item at a time instead.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The indices `0..len` in the order that sorts them by `cmp`, stably. The
/// one place the standard sort is instantiated.
#[allow(clippy::disallowed_methods)] // This is the one allowed call.
fn sorted_indices(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges a sequence, through `swap`, so that position `k` holds what was
/// at `order[k]`. Follows each cycle of the permutation once: swapping the
/// element a position needs into it carries that position's old element along
/// to the next position of the cycle, which needs it last.
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut pos = start;
        loop {
            let from = order[pos];
            // Marks `pos` done; a finished cycle leaves `order[k] == k`.
            order[pos] = pos;
            if from == start {
                break;
            }
            swap(pos, from);
            pos = from;
        }
    }
}

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(order, &mut |a, b| v.swap(a, b));
}

/// Sorts `v` stably, as `v.sort()` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by `key`, as `v.sort_by_key(key)` does: `key` runs on
/// both sides of every comparison, so keep it cheap (or use
/// [`sort_by_cached_key`]).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably by `key`, computed once per element, as
/// `v.sort_by_cached_key(key)` does.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = sorted_indices(keys.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(order, &mut |a, b| v.swap(a, b));
}

/// The map of `items`, as `collect()` builds it but without sorting (see the
/// module docs). Of equal keys the last value wins, as with `collect()`
/// (though the first of equal keys is kept, as `insert` does).
pub fn btree_map<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(items);
    map
}

/// The set of `items`, as `collect()` builds it but without sorting (see the
/// module docs). Of equal items the first is kept, where `collect()` keeps
/// the last: the same wherever equal items are indistinguishable.
pub fn btree_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // The standard sorts are the reference.
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Pairs (key, input position) from a seeded generator, with many equal keys.
    fn sample(seed: u64, len: usize) -> Vec<(u8, usize)> {
        let mut rng = Rng::new(seed);
        (0..len).map(|i| ((rng.next_u64() % 7) as u8, i)).collect()
    }

    #[test]
    fn matches_the_standard_stable_sort() {
        for (seed, len) in [(1, 0), (2, 1), (3, 2), (4, 5), (5, 33), (6, 200), (7, 1000)] {
            let input = sample(seed, len);
            let mut expected = input.clone();
            expected.sort_by_key(|e| e.0);
            let mut by = input.clone();
            sort_by(&mut by, |a, b| a.0.cmp(&b.0));
            assert_eq!(by, expected, "sort_by, len {len}");
            let mut by_key = input.clone();
            sort_by_key(&mut by_key, |e| e.0);
            assert_eq!(by_key, expected, "sort_by_key, len {len}");
            let mut cached = input.clone();
            sort_by_cached_key(&mut cached, |e| e.0);
            assert_eq!(cached, expected, "sort_by_cached_key, len {len}");
            let mut full = input;
            sort(&mut full);
            expected.sort();
            assert_eq!(full, expected, "sort, len {len}");
        }
    }

    #[test]
    fn equal_keys_keep_their_input_order() {
        let mut v = vec![(1, 'a'), (0, 'b'), (1, 'c'), (0, 'd'), (1, 'e'), (0, 'f')];
        sort_by_key(&mut v, |e| e.0);
        assert_eq!(
            v,
            [(0, 'b'), (0, 'd'), (0, 'f'), (1, 'a'), (1, 'c'), (1, 'e')]
        );
        // All equal: nothing moves.
        let mut same = vec![(0, 'z'), (0, 'y'), (0, 'x')];
        sort_by(&mut same, |_, _| Ordering::Equal);
        assert_eq!(same, [(0, 'z'), (0, 'y'), (0, 'x')]);
    }

    #[test]
    fn empty_and_single() {
        let mut empty: Vec<String> = Vec::new();
        sort(&mut empty);
        sort_by_cached_key(&mut empty, |s| s.len());
        assert!(empty.is_empty());
        let mut one = vec!["only".to_owned()];
        sort(&mut one);
        sort_by_cached_key(&mut one, |s| s.len());
        assert_eq!(one, ["only"]);
    }

    #[test]
    fn reversed_and_rotated_inputs() {
        // One long cycle and many two-cycles of the permutation.
        let mut rotated: Vec<u32> = (0..50).map(|i| (i + 17) % 50).collect();
        sort(&mut rotated);
        assert_eq!(rotated, (0..50).collect::<Vec<_>>());
        let mut reversed: Vec<u32> = (0..51).rev().collect();
        sort(&mut reversed);
        assert_eq!(reversed, (0..51).collect::<Vec<_>>());
    }

    #[test]
    fn btree_builders_match_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        assert_eq!(
            btree_map(pairs),
            pairs.into_iter().collect::<BTreeMap<_, _>>()
        );
        assert_eq!(btree_set(pairs.map(|p| p.0)), pairs.map(|p| p.0).into());
        assert!(btree_set(Vec::<String>::new()).is_empty());
    }

    #[test]
    fn cached_key_runs_once_per_element() {
        let mut calls = 0;
        let mut v: Vec<String> = ["pear", "fig", "apple", "kiwi", "plum", "date"]
            .map(str::to_owned)
            .into();
        sort_by_cached_key(&mut v, |s| {
            calls += 1;
            s.len()
        });
        assert_eq!(calls, 6);
        assert_eq!(v, ["fig", "pear", "kiwi", "plum", "date", "apple"]);
    }
}
