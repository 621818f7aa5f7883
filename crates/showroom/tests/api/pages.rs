//! The storefront's pages over HTTP, on the demo shop with its models processed: what a search
//! engine and a browser without JavaScript get. (The real browser tests are in `e2e/`.)

use reqwest::StatusCode;

use crate::helpers::spawn_demo_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_pages_render_with_posters_structured_data_and_absolute_links() {
    let app = spawn_demo_app().await;
    let home = app.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(
        home.headers()["cache-control"],
        "public, max-age=0, s-maxage=30, stale-while-revalidate=60"
    );
    let home = home.text().await.unwrap();
    assert!(
        home.contains("poster-default-64.webp"),
        "cards show posters"
    );
    assert!(home.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:8080/\">"));

    let list = app
        .get_json("/api/v1/products?limit=1", StatusCode::OK)
        .await;
    let slug = list["items"][0]["slug"].as_str().unwrap().to_owned();
    let product = app
        .get_json(&format!("/api/v1/products/{slug}"), StatusCode::OK)
        .await;
    let page = app
        .get(&format!("/products/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("\"@type\":\"Product\""), "JSON-LD Product");
    assert!(page.contains("\"@type\":\"BreadcrumbList\""));
    assert!(page.contains("<picture class=\"poster\""));
    assert!(
        page.contains("data-camera-orbit=\"35.00deg"),
        "the viewer starts at the poster camera"
    );
    assert!(page.contains("model.usdz"), "AR for iOS");
    let second = &product["variants"][1];
    let variant_page = app
        .get(&format!(
            "/products/{slug}?variant={}",
            second["id"].as_str().unwrap()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        variant_page.contains(second["sku"].as_str().unwrap()),
        "?variant= selects the variant without JavaScript"
    );

    let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(sitemap.contains(&format!("<loc>http://127.0.0.1:8080/products/{slug}</loc>")));
    assert!(sitemap.contains("<loc>http://127.0.0.1:8080/c/furniture</loc>"));
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap.xml"));

    let listing = app.get("/c/furniture?sort=price_asc&min=abc").await;
    assert_eq!(
        listing.status(),
        StatusCode::OK,
        "a bad filter is dropped, not a 400"
    );
    assert!(listing
        .text()
        .await
        .unwrap()
        .contains("Some filters were ignored"));
    assert_eq!(
        app.get("/c/no-such-category").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/products/NOT%20A%20SLUG").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_immutable_compressed_and_hash_checked() {
    let app = spawn_demo_app().await;
    let home = app.get("/").await.text().await.unwrap();
    let css = home
        .split("href=\"")
        .find_map(|rest| {
            rest.split('"')
                .next()
                .filter(|u| u.ends_with("/css/site.css"))
        })
        .expect("the layout links the stylesheet")
        .to_owned();
    let response = app
        .client
        .get(app.url(&css))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    let wrong_hash = format!(
        "/static/000000000000/{}",
        css.splitn(4, '/').nth(3).unwrap()
    );
    assert_eq!(app.get(&wrong_hash).await.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
