-- When a variant's option value was deleted (every re-import deletes and re-inserts a variant's
-- options), the trigger recounted the value over the whole catalog: without statistics SQLite
-- started from variant_options_lookup_idx (every variant with that value, 25,000 rows at 100,000
-- products) instead of from the product's own variants, about 70 ms per deleted row, and a
-- re-import of a large catalog ran at a few products a second. CROSS JOIN fixes SQLite's join
-- order: the product's variants (variants_product_idx), then each one's options by primary key.
DROP TRIGGER product_option_values_delete;

CREATE TRIGGER product_option_values_delete AFTER DELETE ON variant_options BEGIN
    DELETE FROM product_option_values
    WHERE product_id = (SELECT v.product_id FROM variants v WHERE v.id = old.variant_id)
      AND name_key = old.name_key AND value = old.value;
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
    FROM variants v CROSS JOIN variant_options o CROSS JOIN products p
    WHERE v.product_id = (SELECT v2.product_id FROM variants v2 WHERE v2.id = old.variant_id)
      AND o.variant_id = v.id AND o.name_key = old.name_key AND o.value = old.value
      AND p.id = v.product_id
    GROUP BY p.id, o.name_key, o.value;
END;
