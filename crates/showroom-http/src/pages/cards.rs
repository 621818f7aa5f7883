//! Product cards: one tile of a grid (home, category, search), built from a listing row and its
//! model's facts — the default look's poster in WebP and PNG at every size, a "3D" badge when
//! there is a model and "AR" when its USDZ exists, the price (or "from" the lowest), and stock.

use showroom_store::{MediaKind, ProductSummary};

use super::format;
use super::model_facts::model_facts;
use crate::error::ApiError;
use crate::state::AppState;

pub struct CardPoster {
    pub webp_srcset: String,
    pub png_srcset: String,
    pub fallback: String,
}

pub struct Card {
    pub href: String,
    pub title: String,
    pub poster: Option<CardPoster>,
    pub has_model: bool,
    pub has_ar: bool,
    pub price: String,
    pub price_varies: bool,
    pub stock: &'static str,
    pub stock_class: &'static str,
    /// `eager` for the first row (likely above the fold), `lazy` below.
    pub loading: &'static str,
}

pub async fn cards(state: &AppState, items: Vec<ProductSummary>) -> Result<Vec<Card>, ApiError> {
    let mut cards = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let media: Vec<_> = item.cover.iter().cloned().collect();
        let facts = model_facts(state, &media).await?;
        let poster = match (&facts, &item.cover) {
            (Some(facts), _) if facts.has_posters() => {
                let look = facts
                    .look(None)
                    .map(|l| l.label.clone())
                    .unwrap_or_default();
                Some(CardPoster {
                    webp_srcset: facts.srcset(&look, "webp"),
                    png_srcset: facts.srcset(&look, "png"),
                    fallback: facts.poster_url(&look, 512, "png").unwrap_or_default(),
                })
            }
            (_, Some(cover)) if cover.kind == MediaKind::Image => {
                let url = crate::routes::dto::asset_url(cover);
                Some(CardPoster {
                    webp_srcset: String::new(),
                    png_srcset: url.clone(),
                    fallback: url,
                })
            }
            _ => None,
        };
        let (stock, stock_class) = format::stock(item.available);
        cards.push(Card {
            href: format!("/products/{}", item.slug.as_str()),
            title: item.title.as_str().to_owned(),
            has_model: facts.as_ref().is_some_and(|f| f.viewable()),
            has_ar: facts
                .as_ref()
                .is_some_and(|f| f.look(None).and_then(|l| f.usdz_url(&l.label)).is_some()),
            poster,
            price: item.price_min.map(format::money).unwrap_or_default(),
            price_varies: item.price_min != item.price_max,
            stock,
            stock_class,
            loading: if index < 4 { "eager" } else { "lazy" },
        });
    }
    Ok(cards)
}
