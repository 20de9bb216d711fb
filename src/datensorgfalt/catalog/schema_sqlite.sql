-- revision: 0001
CREATE TABLE runs (
	id INTEGER NOT NULL, 
	command VARCHAR(64) NOT NULL, 
	arguments JSON NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	status VARCHAR(16) NOT NULL, 
	summary JSON NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE datasets (
	id VARCHAR(32) NOT NULL, 
	title VARCHAR(512) NOT NULL, 
	location TEXT NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	format VARCHAR(32) NOT NULL, 
	dialect JSON NOT NULL, 
	byte_size BIGINT, 
	modified_at DATETIME, 
	fingerprint VARCHAR(64), 
	row_count BIGINT, 
	column_count INTEGER, 
	status VARCHAR(16) NOT NULL, 
	details JSON NOT NULL, 
	first_seen_at DATETIME NOT NULL, 
	scanned_at DATETIME NOT NULL, 
	last_run_id INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE (location), 
	FOREIGN KEY(last_run_id) REFERENCES runs (id)
);
CREATE INDEX ix_datasets_fingerprint ON datasets (fingerprint);
CREATE TABLE columns (
	id INTEGER NOT NULL, 
	dataset_id VARCHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	name VARCHAR(512) NOT NULL, 
	inferred_type VARCHAR(32) NOT NULL, 
	semantic_type VARCHAR(32), 
	details JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE
);
CREATE INDEX ix_columns_dataset ON columns (dataset_id, position);
CREATE TABLE findings (
	id INTEGER NOT NULL, 
	dataset_id VARCHAR(32), 
	run_id INTEGER, 
	source VARCHAR(32) NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	severity VARCHAR(16) NOT NULL, 
	dimension VARCHAR(32), 
	column_name VARCHAR(512), 
	message TEXT NOT NULL, 
	evidence JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE, 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
CREATE INDEX ix_findings_dataset_source ON findings (dataset_id, source);
CREATE TABLE links (
	id INTEGER NOT NULL, 
	source_id VARCHAR(32) NOT NULL, 
	target_id VARCHAR(32) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	details JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(source_id) REFERENCES datasets (id) ON DELETE CASCADE, 
	FOREIGN KEY(target_id) REFERENCES datasets (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_links_pair ON links (source_id, target_id, kind);
CREATE TABLE rights (
	dataset_id VARCHAR(32) NOT NULL, 
	source VARCHAR(32), 
	owner VARCHAR(256), 
	contact VARCHAR(256), 
	licence VARCHAR(64), 
	restrictions JSON NOT NULL, 
	legal_basis VARCHAR(128), 
	ai_training_allowed BOOLEAN, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (dataset_id), 
	FOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE
);
CREATE TABLE results (
	id INTEGER NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	"key" VARCHAR(128), 
	dataset_id VARCHAR(32), 
	run_id INTEGER, 
	payload JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE, 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
CREATE INDEX ix_results_kind_dataset ON results (kind, dataset_id);
