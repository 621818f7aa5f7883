//! The state machine, exhaustively: every state × every event against the documented table,
//! then random event sequences against the money and stock invariants.

use proptest::prelude::*;

use super::*;
use crate::{Currency, Money};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap()).unwrap()
}

fn tracking() -> TrackingNumber {
    TrackingNumber::parse("1Z999AA10123456784").unwrap()
}

const TOTAL: i64 = 10_000;

fn at(state: OrderState, refunded: i64, shipped: bool) -> OrderProgress {
    OrderProgress::restore(state, eur(TOTAL), eur(refunded), shipped.then(tracking)).unwrap()
}

fn every_event() -> Vec<OrderEvent> {
    vec![
        OrderEvent::PaymentSucceeded,
        OrderEvent::PaymentFailed,
        OrderEvent::PaymentExpired,
        OrderEvent::Fulfill {
            tracking: tracking(),
        },
        OrderEvent::Cancel,
        OrderEvent::Refund { amount: eur(1_000) },
    ]
}

#[test]
fn every_state_and_event_follows_the_documented_table() {
    use OrderState::*;
    let x = None;
    // Columns: PaymentSucceeded, PaymentFailed, PaymentExpired, Fulfill, Cancel, Refund(10.00).
    let table: [(OrderProgress, [Option<OrderState>; 6]); 7] = [
        (
            at(PendingPayment, 0, false),
            [
                Some(Paid),
                Some(Cancelled),
                Some(Cancelled),
                x,
                Some(Cancelled),
                x,
            ],
        ),
        (
            at(Paid, 0, false),
            [
                x,
                x,
                x,
                Some(Fulfilled),
                Some(Cancelled),
                Some(PartiallyRefunded),
            ],
        ),
        (
            at(Fulfilled, 0, true),
            [x, x, x, x, x, Some(PartiallyRefunded)],
        ),
        (at(Cancelled, 0, false), [x, x, x, x, x, x]),
        (
            at(PartiallyRefunded, 3_000, false),
            [
                x,
                x,
                x,
                Some(PartiallyRefunded),
                Some(Cancelled),
                Some(PartiallyRefunded),
            ],
        ),
        (
            at(PartiallyRefunded, 3_000, true),
            [x, x, x, x, x, Some(PartiallyRefunded)],
        ),
        (at(Refunded, TOTAL, true), [x, x, x, x, x, x]),
    ];
    for (order, expected_row) in table {
        for (event, expected) in every_event().iter().zip(expected_row) {
            let outcome = transition(&order, event);
            match (expected, outcome) {
                (Some(to), Ok((next, effects))) => {
                    assert_eq!(next.state(), to, "{:?} + {:?}", order.state(), event.kind());
                    assert_eq!(effects.release_stock, to == Cancelled);
                }
                (
                    None,
                    Err(IllegalTransition::NotAllowed {
                        from, event: kind, ..
                    }),
                ) => {
                    assert_eq!(from, order.state());
                    assert_eq!(kind, event.kind());
                }
                (expected, outcome) => panic!(
                    "{:?} (shipped: {}) + {:?}: expected {expected:?}, got {outcome:?}",
                    order.state(),
                    order.shipment().is_some(),
                    event.kind()
                ),
            }
        }
    }
}

#[test]
fn illegal_transitions_name_both_states() {
    let error = transition(
        &at(OrderState::Cancelled, 0, false),
        &OrderEvent::PaymentSucceeded,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "an order cannot go from `cancelled` to `paid` (event `payment_succeeded`)"
    );
}

#[test]
fn cancelling_a_paid_order_refunds_what_is_left_and_releases_stock() {
    let (next, effects) = transition(
        &at(OrderState::PartiallyRefunded, 3_000, false),
        &OrderEvent::Cancel,
    )
    .unwrap();
    assert_eq!(next.state(), OrderState::Cancelled);
    assert_eq!(next.refunded(), eur(TOTAL));
    assert_eq!(
        effects,
        Effects {
            release_stock: true,
            refund: Some(eur(7_000)),
            notify: Some(CustomerNotice::OrderCancelled),
        }
    );
    let (_, unpaid) = transition(
        &at(OrderState::PendingPayment, 0, false),
        &OrderEvent::Cancel,
    )
    .unwrap();
    assert_eq!(unpaid.refund, None);
}

#[test]
fn an_order_that_was_never_paid_is_cancelled_without_a_mail() {
    for event in [
        OrderEvent::PaymentFailed,
        OrderEvent::PaymentExpired,
        OrderEvent::Cancel,
    ] {
        let (next, effects) =
            transition(&at(OrderState::PendingPayment, 0, false), &event).unwrap();
        assert_eq!(next.state(), OrderState::Cancelled);
        assert_eq!(
            effects,
            Effects {
                release_stock: true,
                refund: None,
                notify: None,
            },
            "{:?}",
            event.kind()
        );
    }
}

#[test]
fn every_step_the_customer_should_hear_about_names_its_notice() {
    for kind in [
        "order_confirmed",
        "order_shipped",
        "order_cancelled",
        "refund_issued",
    ] {
        assert_eq!(
            CustomerNotice::parse(kind).map(CustomerNotice::as_str),
            Some(kind)
        );
    }
    assert_eq!(CustomerNotice::parse("welcome"), None);
    let notice =
        |order: OrderProgress, event: OrderEvent| transition(&order, &event).unwrap().1.notify;
    assert_eq!(
        notice(
            at(OrderState::PendingPayment, 0, false),
            OrderEvent::PaymentSucceeded
        ),
        Some(CustomerNotice::OrderConfirmed)
    );
    assert_eq!(
        notice(
            at(OrderState::Paid, 0, false),
            OrderEvent::Fulfill {
                tracking: tracking()
            }
        ),
        Some(CustomerNotice::OrderShipped)
    );
    assert_eq!(
        notice(at(OrderState::Paid, 0, false), OrderEvent::Cancel),
        Some(CustomerNotice::OrderCancelled)
    );
    assert_eq!(
        notice(
            at(OrderState::Fulfilled, 0, true),
            OrderEvent::Refund { amount: eur(1_000) }
        ),
        Some(CustomerNotice::RefundIssued)
    );
}

#[test]
fn refunds_add_up_to_refunded_and_never_exceed_the_paid_total() {
    let order = at(OrderState::Fulfilled, 0, true);
    let refund = |order: &OrderProgress, minor| {
        transition(order, &OrderEvent::Refund { amount: eur(minor) })
    };
    let (order, _) = refund(&order, 4_000).unwrap();
    assert_eq!(order.state(), OrderState::PartiallyRefunded);
    let error = refund(&order, 6_001).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot refund 60.01 EUR: only 60.00 EUR of the paid total is left to refund"
    );
    assert!(matches!(
        refund(&order, 0),
        Err(IllegalTransition::RefundNotPositive { .. })
    ));
    let usd = Money::new(100, Currency::parse("USD").unwrap()).unwrap();
    assert!(matches!(
        transition(&order, &OrderEvent::Refund { amount: usd }),
        Err(IllegalTransition::RefundCurrency { .. })
    ));
    let (order, effects) = refund(&order, 6_000).unwrap();
    assert_eq!(order.state(), OrderState::Refunded);
    assert_eq!(order.refunded(), eur(TOTAL));
    assert_eq!(effects.refund, Some(eur(6_000)));
    assert!(!effects.release_stock);
}

#[test]
fn restore_refuses_impossible_orders() {
    let restore = |state, refunded, shipped: bool| {
        OrderProgress::restore(state, eur(TOTAL), eur(refunded), shipped.then(tracking))
    };
    assert!(restore(OrderState::Paid, 1, false).is_err());
    assert!(restore(OrderState::Fulfilled, 0, false).is_err());
    assert!(restore(OrderState::PartiallyRefunded, TOTAL, false).is_err());
    assert!(restore(OrderState::Refunded, 5, true).is_err());
    assert!(restore(OrderState::Cancelled, 5, false).is_err());
    assert!(restore(OrderState::PendingPayment, TOTAL + 1, false).is_err());
    assert!(OrderProgress::new(eur(-1)).is_err());
}

#[test]
fn state_names_round_trip() {
    for state in OrderState::ALL {
        assert_eq!(OrderState::parse(state.as_str()).unwrap(), state);
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(json, format!("\"{}\"", state.as_str()));
    }
    assert!(OrderState::parse("shipped").is_err());
}

fn event() -> impl Strategy<Value = OrderEvent> {
    prop_oneof![
        Just(OrderEvent::PaymentSucceeded),
        Just(OrderEvent::PaymentFailed),
        Just(OrderEvent::PaymentExpired),
        Just(OrderEvent::Fulfill {
            tracking: tracking()
        }),
        Just(OrderEvent::Cancel),
        (-100i64..=12_000).prop_map(|minor| OrderEvent::Refund { amount: eur(minor) }),
    ]
}

proptest! {
    #[test]
    fn random_event_sequences_keep_money_and_stock_invariants(
        total in 0i64..=TOTAL,
        events in prop::collection::vec(event(), 0..40),
    ) {
        let mut order = OrderProgress::new(eur(total)).unwrap();
        let mut refunded_by_effects = 0;
        let mut stock_releases = 0;
        for event in &events {
            let Ok((next, effects)) = transition(&order, event) else { continue };
            refunded_by_effects += effects.refund.map_or(0, |m| m.amount_minor);
            stock_releases += u32::from(effects.release_stock);
            order = next;
            // Every reachable order is one `restore` accepts: no impossible combination.
            let restored = OrderProgress::restore(
                order.state(), order.total(), order.refunded(), order.shipment().cloned(),
            );
            prop_assert_eq!(restored.as_ref(), Ok(&order));
        }
        prop_assert!(refunded_by_effects <= total);
        prop_assert!(stock_releases <= 1);
        prop_assert_eq!(stock_releases == 1, order.state() == OrderState::Cancelled);
        prop_assert_eq!(order.refunded().amount_minor, refunded_by_effects);
    }
}
