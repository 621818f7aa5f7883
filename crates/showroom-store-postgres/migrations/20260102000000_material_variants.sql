-- Which KHR_materials_variants variant of the product's 3D model shows a sellable variant
-- (e.g. the variant "Oak / L" shows the model's "Oak" look). NULL: none chosen yet. Attaching a
-- processed model fills it in by matching option values to the model's variant names, for
-- variants that have none; a merchant may set or clear it at any time.
ALTER TABLE variants ADD COLUMN material_variant TEXT;
