-- The bundled CRM export as PostgreSQL tables, with the types a CRM database would give them;
-- scripts/load-postgres.sh creates these and copies the CSV files in. spec.yaml reads them by
-- the files' names without `.csv` (or each table's `table:` entry).
CREATE TABLE companies (
    company_id     text PRIMARY KEY,
    name           text NOT NULL,
    industry       text,
    employees      integer,
    annual_revenue numeric,
    country        text,
    region         text
);

CREATE TABLE leads (
    lead_id           text PRIMARY KEY,
    company_id        text REFERENCES companies,
    owner_rep         text,
    source            text,
    created_at        timestamptz,
    mql_at            timestamptz,
    sal_at            timestamptz,
    sql_at            timestamptz,
    bant_budget       text,
    bant_authority    text,
    bant_need         text,
    bant_timeline     text,
    amount            numeric,
    acquisition_cost  numeric,
    outcome           text,
    closed_at         timestamptz,
    final_amount      numeric,
    loss_reason       text,
    forecast_category text
);

CREATE TABLE contacts (
    contact_id   text PRIMARY KEY,
    lead_id      text REFERENCES leads,
    first_name   text,
    job_function text,
    seniority    text
);

CREATE TABLE events (
    event_id    text PRIMARY KEY,
    contact_id  text REFERENCES contacts,
    lead_id     text REFERENCES leads,
    occurred_at timestamptz NOT NULL,
    event_type  text NOT NULL,
    asset       text
);
