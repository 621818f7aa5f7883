//! Category and search listings: the filter form's query string turned into a store query, and
//! back into the form's state and the links of the page.
//!
//! The form is a plain GET form, so filters, sort and paging work without JavaScript and every
//! result page has a shareable URL: `sort`, `min` / `max` (whole units of the shop's currency),
//! `option.<Name>=<Value>` (one value per option), `in_stock=1`, `q` and `after` (the next
//! page's cursor). A value that does not parse is dropped with a line above the results rather
//! than refusing the page.

use showroom_domain::Currency;
use showroom_store::{Cursor, ProductQuery, ProductSort};

/// Products per listing page.
pub const PAGE_SIZE: u32 = 24;

pub struct SortChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The listing request as the form shows it.
#[derive(Debug, Default, Clone)]
pub struct ListingForm {
    pub sort: ProductSort,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub options: Vec<(String, String)>,
    pub in_stock: bool,
    pub q: Option<String>,
    pub after: Option<String>,
    /// What was dropped, for the line above the results.
    pub problems: Vec<String>,
}

impl ListingForm {
    pub fn parse(raw: &str) -> Self {
        let mut form = Self::default();
        let mut sort = None;
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            match name.as_ref() {
                "sort" => match ProductSort::parse(value) {
                    Some(chosen) => sort = Some(chosen),
                    None => form.problems.push("unknown sort order".into()),
                },
                "min" | "max" if value.is_empty() => {}
                "min" | "max" => match value.parse::<u32>() {
                    Ok(amount) if name == "min" => form.price_min = Some(amount.into()),
                    Ok(amount) => form.price_max = Some(amount.into()),
                    Err(_) => form
                        .problems
                        .push("prices are whole numbers, 0 or more".into()),
                },
                "in_stock" => form.in_stock = matches!(value, "1" | "true" | "on"),
                "q" if !value.is_empty() => form.q = Some(value.chars().take(200).collect()),
                "after" if !value.is_empty() => form.after = Some(value.to_owned()),
                other => {
                    if let Some(option) = other.strip_prefix("option.") {
                        let fits = !option.is_empty() && option.len() <= 100 && value.len() <= 100;
                        if fits && !value.is_empty() && form.options.len() < 10 {
                            form.options.retain(|(n, _)| n != option);
                            form.options.push((option.to_owned(), value.to_owned()));
                        }
                    }
                }
            }
        }
        if let (Some(min), Some(max)) = (form.price_min, form.price_max) {
            if min > max {
                form.problems
                    .push("the lowest price was above the highest".into());
                form.price_max = None;
            }
        }
        form.sort = sort.unwrap_or_else(|| form.default_sort());
        form
    }

    /// Best match for a search, newest otherwise.
    fn default_sort(&self) -> ProductSort {
        if self.q.is_some() {
            ProductSort::Relevance
        } else {
            ProductSort::Newest
        }
    }

    /// The store query for this form in `currency`, on listing `category`.
    pub fn query(&mut self, currency: Currency) -> ProductQuery {
        let scale = 10i64.pow(u32::from(currency.minor_digits()));
        let mut query = ProductQuery {
            status: Some(showroom_domain::ProductStatus::Published),
            price_min: self.price_min.map(|p| p * scale),
            price_max: self.price_max.map(|p| p * scale + (scale - 1)),
            option_values: self.options.clone(),
            in_stock: self.in_stock,
            search: self.q.clone(),
            sort: self.sort,
            limit: PAGE_SIZE,
            ..ProductQuery::default()
        };
        if let Some(raw) = &self.after {
            match Cursor::decode(raw) {
                Ok(cursor) if cursor.sort == self.sort => query.after = Some(cursor),
                _ => {
                    self.problems
                        .push("that page link has expired; showing the first page".into());
                    self.after = None;
                }
            }
        }
        query
    }

    /// The query string of this form on another page (`after`), without the cursor for `None`.
    pub fn href(&self, path: &str, after: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            query.append_pair("q", q);
        }
        if self.sort != self.default_sort() {
            query.append_pair("sort", self.sort.as_str());
        }
        if let Some(min) = self.price_min {
            query.append_pair("min", &min.to_string());
        }
        if let Some(max) = self.price_max {
            query.append_pair("max", &max.to_string());
        }
        for (name, value) in &self.options {
            query.append_pair(&format!("option.{name}"), value);
        }
        if self.in_stock {
            query.append_pair("in_stock", "1");
        }
        if let Some(after) = after {
            query.append_pair("after", after);
        }
        let query = query.finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// The sort menu; "Best match" only when there is something to match.
    pub fn sorts(&self) -> Vec<SortChoice> {
        let best_match = self
            .q
            .as_ref()
            .map(|_| (ProductSort::Relevance, "Best match"));
        best_match
            .into_iter()
            .chain([
                (ProductSort::Newest, "Newest"),
                (ProductSort::PriceAsc, "Price: low to high"),
                (ProductSort::PriceDesc, "Price: high to low"),
                (ProductSort::Title, "Name A–Z"),
            ])
            .map(|(sort, label)| SortChoice {
                value: sort.as_str(),
                label,
                selected: sort == self.sort,
            })
            .collect()
    }

    pub fn selected_option(&self, name: &str) -> String {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_through_its_links() {
        let mut form =
            ListingForm::parse("sort=price_asc&min=10&max=200&option.Color=Oak&in_stock=1");
        assert!(form.problems.is_empty());
        let usd = Currency::parse("USD").unwrap();
        let query = form.query(usd);
        assert_eq!(query.price_min, Some(1000));
        assert_eq!(query.price_max, Some(20099));
        assert_eq!(query.option_values, vec![("Color".into(), "Oak".into())]);
        assert_eq!(
            form.href("/c/furniture", None),
            "/c/furniture?sort=price_asc&min=10&max=200&option.Color=Oak&in_stock=1"
        );
    }

    #[test]
    fn bad_values_are_dropped_with_a_reason_not_refused() {
        let mut form = ListingForm::parse("sort=cheapest&min=-3&max=x&after=garbage");
        assert_eq!(form.sort, ProductSort::Newest);
        assert_eq!(form.price_min, None);
        let query = form.query(Currency::parse("EUR").unwrap());
        assert!(query.after.is_none());
        assert_eq!(form.problems.len(), 4, "{:?}", form.problems);
    }

    #[test]
    fn a_search_is_sorted_by_best_match_unless_another_sort_is_chosen() {
        let form = ListingForm::parse("q=oak+chair");
        assert_eq!(form.sort, ProductSort::Relevance);
        assert_eq!(form.sorts()[0].label, "Best match");
        assert!(form.sorts()[0].selected);
        assert_eq!(
            form.href("/search", None),
            "/search?q=oak+chair",
            "the default stays implicit"
        );
        let chosen = ListingForm::parse("sort=newest&q=oak");
        assert_eq!(chosen.sort, ProductSort::Newest);
        assert_eq!(chosen.href("/search", None), "/search?q=oak&sort=newest");
        let browsing = ListingForm::parse("");
        assert_eq!(browsing.sort, ProductSort::Newest);
        assert!(browsing.sorts().iter().all(|s| s.label != "Best match"));
    }
}
