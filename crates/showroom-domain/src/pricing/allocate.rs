//! Largest-remainder allocation: splitting an order-level amount (a discount, a refund) across
//! lines in proportion to their amounts so that the parts add up to the whole **exactly**.
//!
//! Each line first gets the floor of its exact proportional share; the few minor units left over
//! go one each to the lines with the largest fractional remainders, ties to the earlier line. So
//! every share is within one minor unit of its exact share, the shares always sum to the total,
//! and when the total is at most the sum of the weights no share exceeds its own weight (a line is
//! never discounted below zero).

/// Splits `total` across `weights` in proportion to them; `None` only when `total > 0` and every
/// weight is zero (there is nothing to split it by).
pub fn allocate(total: u64, weights: &[u64]) -> Option<Vec<u64>> {
    let weight_sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if weight_sum == 0 {
        return (total == 0).then(|| vec![0; weights.len()]);
    }
    let total = u128::from(total);
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (index, &weight) in weights.iter().enumerate() {
        let exact = total * u128::from(weight);
        shares.push(exact / weight_sum);
        remainders.push((exact % weight_sum, index));
    }
    let handed_out: u128 = shares.iter().sum();
    // Fewer than `weights.len()` units are left, since each floor lost less than one.
    let left_over = usize::try_from(total - handed_out).ok()?;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, index) in remainders.iter().take(left_over) {
        shares[index] += 1;
    }
    shares.into_iter().map(|s| u64::try_from(s).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_evenly_and_hands_leftovers_to_the_largest_remainders() {
        assert_eq!(allocate(100, &[1, 1, 1]), Some(vec![34, 33, 33]));
        assert_eq!(allocate(10, &[500, 300, 200]), Some(vec![5, 3, 2]));
        assert_eq!(allocate(7, &[10, 20]), Some(vec![2, 5]));
        assert_eq!(allocate(0, &[0, 0]), Some(vec![0, 0]));
        assert_eq!(allocate(1, &[0, 0]), None);
        assert_eq!(allocate(0, &[]), Some(vec![]));
    }

    proptest! {
        #[test]
        fn shares_sum_exactly_and_stay_within_one_unit_of_proportional(
            weights in prop::collection::vec(0u64..=1_000_000_000_000, 1..40),
            fraction in 0.0f64..=1.0,
        ) {
            let weight_sum: u64 = weights.iter().sum();
            // A float only picks the test input; the allocation itself is integer arithmetic.
            let total = (weight_sum as f64 * fraction) as u64;
            let total = total.min(weight_sum);
            let shares = allocate(total, &weights).unwrap();
            prop_assert_eq!(shares.iter().sum::<u64>(), total);
            for (share, weight) in shares.iter().zip(&weights) {
                prop_assert!(share <= weight);
                let exact = u128::from(total) * u128::from(*weight);
                let scaled = u128::from(*share) * u128::from(weight_sum);
                prop_assert!(scaled.abs_diff(exact) < u128::from(weight_sum));
            }
        }
    }
}
