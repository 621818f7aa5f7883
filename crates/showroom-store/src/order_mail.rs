//! The customer's mail about an order, rendered as plain text and as HTML from the order as it
//! stands after the change. Pure: no I/O, no clock, so the same order always renders the same
//! mail and the store can render inside the transaction that changes the order.
//!
//! Guarantees:
//! - every string that came from a shopper or a merchant (titles, SKUs, names, address lines,
//!   tracking numbers) is HTML-escaped in the HTML part; the text part is the same words unescaped;
//! - the subject is one line and names the order number (`Order SR-000042 confirmed`);
//! - amounts are the domain's [`Money`] display (`12.50 EUR`), never floats.

use showroom_domain::{CustomerNotice, Money, PriceMode};

use crate::Order;

/// A mail ready to be stored in the outbox and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    /// The customer's address as they typed it.
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders `notice` about `order` (its state after the change). `refund` is the amount this
/// change gave back, for a refund or the cancellation of a paid order.
pub fn render_order_mail(
    notice: CustomerNotice,
    order: &Order,
    refund: Option<Money>,
) -> RenderedMail {
    let number = order.number;
    let refund = refund.filter(|m| m.amount_minor > 0);
    let (subject, lead) = match notice {
        CustomerNotice::OrderConfirmed => (
            format!("Order {number} confirmed"),
            format!("Thank you for your order {number}. We have received your payment."),
        ),
        CustomerNotice::OrderShipped => (
            format!("Order {number} shipped"),
            format!("Your order {number} is on its way."),
        ),
        CustomerNotice::OrderCancelled => (
            format!("Order {number} cancelled"),
            format!("Your order {number} was cancelled."),
        ),
        CustomerNotice::RefundIssued => (
            format!("Refund for order {number}"),
            format!("We have issued a refund for your order {number}."),
        ),
    };
    let mut facts: Vec<(&str, String)> = Vec::new();
    if notice == CustomerNotice::OrderShipped {
        if let Some(tracking) = &order.tracking {
            facts.push(("Tracking number", tracking.as_str().to_owned()));
        }
    }
    if let Some(amount) = refund {
        facts.push(("Refunded now", amount.to_string()));
    }
    if order.refunded.amount_minor > 0 && notice == CustomerNotice::RefundIssued {
        facts.push(("Refunded in total", order.refunded.to_string()));
    }
    let parts = Parts {
        order,
        greeting: format!("Hello {},", order.shipping_address.name()),
        lead,
        facts,
    };
    RenderedMail {
        to: order.email.as_typed().to_owned(),
        subject,
        text: parts.text(),
        html: parts.html(),
    }
}

/// What both parts say, in order.
struct Parts<'a> {
    order: &'a Order,
    greeting: String,
    lead: String,
    facts: Vec<(&'static str, String)>,
}

impl Parts<'_> {
    /// The money summary rows: label and amount. Discount only when there was one; tax is
    /// "incl." when the prices contained it, because then it is not added to the total.
    fn totals(&self) -> Vec<(&'static str, String)> {
        let totals = &self.order.totals;
        let mut rows = vec![("Subtotal", totals.subtotal.to_string())];
        if totals.discount.amount_minor != 0 {
            let code = self
                .order
                .discount_code
                .as_ref()
                .map(|c| format!(" ({})", c.as_str()))
                .unwrap_or_default();
            rows.push(("Discount", format!("-{}{code}", totals.discount)));
        }
        rows.push(("Shipping", totals.shipping.to_string()));
        rows.push(match totals.price_mode {
            PriceMode::TaxInclusive => ("Tax (incl.)", totals.tax.to_string()),
            PriceMode::TaxExclusive => ("Tax", totals.tax.to_string()),
        });
        rows.push(("Total", totals.grand_total.to_string()));
        rows
    }

    fn address_lines(&self) -> Vec<String> {
        let address = &self.order.shipping_address;
        let mut lines = vec![address.name().to_owned(), address.line1().to_owned()];
        lines.extend(address.line2().map(str::to_owned));
        lines.push(format!("{} {}", address.postal_code(), address.city()));
        lines.push(address.country().to_string());
        lines
    }

    fn text(&self) -> String {
        let mut out = format!("{}\n\n{}\n", self.greeting, self.lead);
        for (label, value) in &self.facts {
            out.push_str(&format!("{label}: {value}\n"));
        }
        out.push('\n');
        for line in &self.order.lines {
            out.push_str(&format!(
                "{} ({}) x {}  {}\n",
                line.title,
                line.sku.as_str(),
                line.quantity.get(),
                line.total
            ));
        }
        out.push('\n');
        for (label, value) in self.totals() {
            out.push_str(&format!("{label}: {value}\n"));
        }
        out.push_str("\nShipping to:\n");
        for line in self.address_lines() {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn html(&self) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family: sans-serif\">\n",
        );
        out.push_str(&format!(
            "<p>{}</p>\n<p>{}</p>\n",
            escape(&self.greeting),
            escape(&self.lead)
        ));
        if !self.facts.is_empty() {
            out.push_str("<p>");
            for (label, value) in &self.facts {
                out.push_str(&format!("{label}: <strong>{}</strong><br>", escape(value)));
            }
            out.push_str("</p>\n");
        }
        out.push_str(
            "<table cellpadding=\"4\">\n<tr><th align=\"left\">Item</th>\
             <th align=\"left\">SKU</th><th>Qty</th><th align=\"right\">Total</th></tr>\n",
        );
        for line in &self.order.lines {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td align=\"center\">{}</td>\
                 <td align=\"right\">{}</td></tr>\n",
                escape(&line.title),
                escape(line.sku.as_str()),
                line.quantity.get(),
                escape(&line.total.to_string())
            ));
        }
        for (label, value) in self.totals() {
            out.push_str(&format!(
                "<tr><td colspan=\"3\" align=\"right\">{label}</td>\
                 <td align=\"right\">{}</td></tr>\n",
                escape(&value)
            ));
        }
        out.push_str("</table>\n<p>Shipping to:<br>");
        let address: Vec<String> = self.address_lines().iter().map(|l| escape(l)).collect();
        out.push_str(&address.join("<br>"));
        out.push_str("</p>\n</body></html>\n");
        out
    }
}

/// Escapes text for an HTML element or a quoted attribute.
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
#[path = "order_mail_tests.rs"]
mod tests;
