//! The catalog contract: one suite of behaviour tests that every backend runs against itself, so
//! SQLite and PostgreSQL are proven to answer the same questions the same way.
//!
//! A backend's `tests/contract.rs` supplies an expression that yields a fresh, isolated store per
//! test (or `None` to skip, e.g. when no PostgreSQL URL is configured) and expands the suite:
//!
//! ```ignore
//! async fn fresh_store() -> Option<showroom_store::contract::Fixture> { /* … */ }
//! showroom_store::contract_suite!(fresh_store());
//! ```
//!
//! Each behaviour becomes its own `#[tokio::test]` on a multi-threaded runtime, so tests run in
//! parallel and the concurrency tests really race. Every test function is public, so a backend
//! may also call one directly against a store built another way.

mod accounts;
mod assets;
mod carts;
mod categories;
mod checkout_races;
mod checkout_support;
mod dashboard;
mod discounts;
mod facet_base;
mod facet_upkeep;
mod import;
mod inventory;
mod jobs;
mod lifecycle;
mod listing;
mod material_variants;
mod order_admin;
mod order_totals;
mod order_writes;
mod orders;
mod outbox;
mod products;
mod refunds;
mod search;
mod shared_keys;
mod support;

/// Asserts that a backend's `connect` refused a URL as an invalid `database_url` (a foreign
/// scheme, say), not as an unreachable server: each backend's own tests call it.
pub fn assert_invalid_database_url(err: &crate::StoreError) {
    assert!(
        matches!(
            err,
            crate::StoreError::Invalid {
                field: "database_url",
                ..
            }
        ),
        "{err:?}"
    );
}

/// A checkout of these lines under an idempotency key, a line, a stocked variant and the hold
/// the suite uses: for a backend's own tests of its checkout.
pub use checkout_support::{checkout, line, stocked, HOLD};

pub use accounts::*;
pub use assets::*;
pub use carts::*;
pub use categories::*;
pub use checkout_races::*;
pub use dashboard::*;
pub use discounts::*;
pub use facet_base::*;
pub use facet_upkeep::*;
pub use import::*;
pub use inventory::*;
pub use jobs::*;
pub use lifecycle::*;
pub use listing::*;
pub use material_variants::*;
pub use order_admin::*;
pub use order_totals::*;
pub use order_writes::*;
pub use orders::*;
pub use outbox::*;
pub use products::*;
pub use refunds::*;
pub use search::*;
pub use shared_keys::*;
pub use support::Fixture;

/// Expands to one `#[tokio::test]` per contract behaviour. `$fresh` is evaluated anew in every
/// test and must be a future of `Option<Fixture>`; `None` skips the test (the fixture is
/// expected to have said why on stderr). The calling crate needs `tokio` as a dev-dependency.
#[macro_export]
macro_rules! contract_suite {
    ($fresh:expr) => {
        $crate::contract_suite!(@each $fresh;
            product_round_trip_keeps_variants_options_and_media,
            product_by_slug_finds_published_and_unknown_is_none,
            look_ups_by_slug_at_once_each_get_their_own_product,
            duplicate_slugs_conflict_on_slug,
            duplicate_sku_conflicts_on_sku_and_leaves_no_trace,
            failed_product_update_leaves_no_trace,
            unknown_category_or_parent_is_invalid_and_creates_nothing,
            option_values_must_be_declared_by_the_product,
            product_options_cannot_drop_values_variants_use,
            a_product_sells_in_one_currency,
            unknown_ids_are_not_found,
            update_product_patches_fields_and_search_follows,
            search_follows_a_patch_of_either_text_alone,
            set_product_status_changes_what_a_status_filter_lists,
            media_is_appended_in_order_and_the_first_is_the_cover,
            count_products_counts_every_status,
            categories_are_listed_by_name,
            category_filter_includes_descendants,
            update_category_refuses_cycles_and_leaves_the_tree_unchanged,
            update_category_moves_and_renames,
            pagination_visits_every_product_once_in_order_for_every_sort,
            a_cursor_from_another_sort_is_refused,
            page_size_is_clamped,
            price_range_filter_is_inclusive_on_the_cheapest_variant,
            option_filter_needs_one_variant_with_every_value_and_ignores_name_case,
            in_stock_filter_counts_available_units,
            search_matches_every_word_and_prefixes,
            hostile_search_text_is_only_words,
            one_typo_per_word_still_finds_the_product,
            relevance_ranks_title_matches_first_then_available_ones,
            relevance_pages_of_a_search_visit_every_match_once_ties_by_id,
            a_ranked_search_follows_stock_and_status_and_every_filter,
            facets_count_categories_option_values_and_price_bands_of_the_filtered_set,
            a_categorys_facet_base_counts_what_the_store_counts,
            option_facets_and_filters_follow_variant_edits,
            option_facets_and_filters_follow_an_import_that_changes_option_values,
            option_facets_follow_a_product_moving_category_or_changing_status,
            adjust_inventory_never_goes_below_zero,
            concurrent_decrements_sell_exactly_the_stock,
            update_variant_changes_the_listing_price_range,
            asset_visibility_follows_the_status_of_the_products_using_it,
            one_published_product_makes_a_shared_asset_public,
            registering_the_same_upload_twice_keeps_one_record_and_one_job,
            a_job_runs_to_ready_with_progress_and_report,
            an_expired_lease_is_taken_over_and_the_old_worker_is_refused,
            a_job_whose_workers_keep_dying_fails_after_max_attempts,
            retryable_failures_back_off_and_permanent_ones_fail_at_once,
            concurrent_workers_never_claim_the_same_job,
            material_variants_are_matched_by_option_value_and_keep_a_merchants_choice,
            flash_sale_sells_exactly_the_stock_and_never_oversells,
            the_same_idempotency_key_sent_five_times_at_once_makes_one_order,
            a_payment_and_an_expiry_racing_for_one_order_have_exactly_one_winner,
            a_declined_payment_returns_the_stock_and_a_second_release_is_refused,
            units_held_by_pending_payments_are_stock_held_not_sold_out,
            timed_out_payments_are_listed_for_the_sweeper_and_their_release_returns_the_stock,
            a_captured_payment_never_recorded_is_listed_for_recording_not_for_release,
            illegal_transitions_are_refused_and_write_nothing,
            cancelling_a_paid_order_puts_its_units_back_on_the_shelf,
            line_snapshots_survive_later_price_and_title_changes,
            a_refused_checkout_leaves_no_order_no_key_and_no_reservation,
            orders_are_found_by_id_number_and_email_newest_first,
            every_order_change_answers_the_order_as_stored,
            the_listed_units_follow_every_stock_move_of_an_order,
            a_captured_payment_recorded_in_one_write_stores_what_the_steps_store,
            order_totals_equal_the_sum_of_their_parts_for_random_carts,
            account_emails_are_unique_whatever_their_case,
            the_last_active_admin_cannot_be_demoted_or_deactivated,
            api_tokens_work_until_revoked,
            sessions_expire_and_ids_are_never_reused,
            login_failures_count_atomically_in_a_window,
            a_forgiven_attempt_is_taken_back_and_ended_windows_are_swept,
            a_customers_orders_are_listed_for_them_alone,
            cart_lines_are_added_changed_and_removed,
            cart_lines_are_checked_against_variant_status_and_stock,
            cart_reads_join_the_current_price_status_and_slug,
            a_cart_holds_at_most_max_order_lines,
            discount_codes_are_kept_and_clearing_empties_the_cart,
            a_customer_has_one_cart_created_on_first_use,
            merging_adds_quantities_capped_at_stock_and_deletes_the_guest_cart,
            two_concurrent_merges_do_not_duplicate_lines,
            concurrent_adds_to_one_line_lose_no_update_and_never_exceed_stock,
            sweeping_deletes_only_stale_guest_carts,
            discount_codes_are_unique_listed_and_switched_off,
            a_checkout_applies_and_counts_a_code_and_refusals_write_nothing,
            concurrent_checkouts_never_use_a_code_past_its_limit,
            an_order_released_unpaid_gives_its_code_use_back_and_a_paid_one_keeps_it,
            staff_list_orders_filtered_searched_and_paged_newest_first,
            fulfilling_ships_a_paid_order_once_and_records_the_staff_member,
            partial_refunds_add_up_to_the_paid_total_and_keys_replay,
            concurrent_refunds_never_exceed_the_paid_total,
            a_failed_refund_changes_nothing_and_frees_its_amount,
            a_cancellation_refunds_the_rest_and_returns_the_stock,
            an_order_being_cancelled_cannot_be_fulfilled_until_the_refund_ends,
            a_pending_order_is_found_by_its_authorized_payment_ref,
            paying_an_order_queues_exactly_one_confirmation,
            an_unpaid_order_cancelled_queues_no_mail_but_a_paid_one_does,
            fulfilling_queues_a_shipped_mail_with_the_tracking_number,
            a_refused_transition_queues_no_mail,
            the_first_key_stored_under_a_name_is_the_one_every_caller_gets,
            concurrent_mail_claims_never_hand_out_the_same_row,
            failed_mail_comes_back_at_its_retry_time_and_sent_mail_never,
            a_batch_of_sent_mail_is_marked_in_one_call,
            dashboard_counts_paid_sales_net_of_refunds_and_lists_low_stock,
            importing_twice_updates_by_slug_and_sku_instead_of_duplicating,
            reimporting_an_unchanged_product_leaves_it_as_it_was,
            one_batch_naming_a_product_or_a_sku_twice_acts_in_file_order,
            a_refused_product_is_reported_and_the_rest_of_the_batch_is_written,
            an_unknown_category_fails_the_whole_batch,
            export_walks_every_product_once_with_its_variants,
            best_sellers_rank_units_sold_since_a_time_among_products_for_sale,
        );
    };
    (@each $fresh:expr; $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(fixture) = $fresh.await else { return };
                $crate::contract::$name(fixture.store.clone()).await;
            }
        )+
    };
}
