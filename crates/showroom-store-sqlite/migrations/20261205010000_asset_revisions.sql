-- The pipeline revision an asset's derived files are kept under (`<hash>/<revision>/<file>`),
-- copied from its report when its job completes; '' for assets processed before revisions (their
-- files sit next to the original) and for assets not processed yet. Media reads append it to a
-- derived file's name, so product URLs change when reprocessing changes the bytes.
ALTER TABLE assets ADD COLUMN revision TEXT NOT NULL DEFAULT '';
