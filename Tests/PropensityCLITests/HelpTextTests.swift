import Testing
import TestSupport

/// The help text users read, exactly (at a 100-column terminal).
struct HelpTextTests {
    @Test("propensity --help")
    func root() throws {
        #expect(try runPropensity(["--help"]).standardOutput == """
            OVERVIEW: Propensity-to-close models for sales-qualified leads.

            Trains logistic regression models on closed-won / closed-lost history with the statistics a data
            team expects, validates them on the most recently closed leads, and scores the open pipeline:
            probabilities with ranges, grades, trends and the reasons behind each score. Run `propensity help
            <command>` for a command's options.

            USAGE: propensity <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              train                   Fit a logistic regression to a CRM export or a flat CSV table and save
                                      the model.
              score                   Score the open SQLs of a CRM export with a saved model.
              forecast                Forecast the open pipeline's wins and revenue, with P10–P90 ranges and a
                                      backtest.
              evaluate                Measure a saved model on the closed leads of a CRM export.
              explain                 Show every feature's value and contribution for one lead.
              inspect                 Print a saved model's card, statistics and coefficient table.
              export                  Write a saved model as a SQL query or a PMML document, to score where the
                                      data lives.
              analyze                 Compare lead sources and reps on closed SQLs: win rates, revenue and cost.
              report                  Write a self-contained HTML report on a model and the open pipeline it
                                      scores.
              generate                Write a synthetic CRM export whose outcomes follow known effects.
              train-driver            Fit a model to rows held elsewhere, asking for each pass on standard
                                      output (run by scripts/spark_train.py).
              partition-pass          Run one pass of a distributed fit over rows on standard input (run by
                                      scripts/spark_train.py).

              See 'propensity help <subcommand>' for detailed help.

            """)
    }

    @Test("propensity train --help")
    func train() throws {
        #expect(try runPropensity(["train", "--help"]).standardOutput == """
            OVERVIEW: Fit a logistic regression to a CRM export or a flat CSV table and save the model.

            With --spec, --data is a folder of CRM tables (leads, companies, contacts, events) and the feature
            spec says how to read them: which outcomes are won and lost, the cut-off of each lead, and the
            features, each computed from data strictly before the cut-off. The closed leads most recently
            closed (--holdout, 20%) are held out, the model is fitted on the older ones, and the held-out leads
            validate it: AUC, log-loss, Brier score, calibration and lift by decile. The model keeps the spec,
            so scoring reads data the same way. Training is refused below --min-class-count won or lost leads.

            With --calibration platt or isotonic, a calibrator fitted on the held-out leads' predictions is
            stored in the model and applied to every probability it gives (score, evaluate, explain, report);
            its effect is measured on the held-out leads by cross-fitting their earlier and later halves.

            Without --spec, --data is one CSV table and --label names its outcome column. Every column other
            than the label, the weight and those excluded is a feature: a column whose values are mostly
            numbers is numeric (every value must then be a finite number); any other column is categorical,
            one-hot encoded with its most frequent level as the reference.

            A flat table larger than memory trains with --row-cache FILE: the table is read in batches,
            encoded, and written once to FILE (a chunked binary file, kept afterwards), and every pass of the
            fit streams it, so the fit holds a chunk per thread and the d×d Hessian whatever the row count. The
            model is the one the table would give in memory. The training metrics and grades take one more
            pass; the exact AUC sorts the probabilities in runs written beside FILE (24 bytes a row, removed at
            the end).

            The penalty is L2 (--l2) by default. --penalty elasticnet mixes L1 and L2 (--alpha, --lambda): the
            L1 part sets coefficients of columns that do not earn their place to exactly zero, and the summary
            lists them as dropped. --lambda auto fits a path of penalties from the one that drops every column
            down, warm-started, in each time-ordered fold, and keeps the penalty with the lowest held-out
            log-loss (--one-se: the largest within one standard error of it).

            Above --hessian-free-width feature columns (1000; hashed or one-hot features can make tens of
            thousands), the fit never forms the Hessian: it runs L-BFGS (OWL-QN for the elastic net) on the
            same objective to the same tolerance, and the model has no covariance, so no standard errors and no
            score ranges. Such a fit needs a penalty.

            The fit summary is printed; the model file is written atomically, and not at all if anything fails.

            USAGE: propensity train [<options>] --data <path|url> --out <model.json>

            OPTIONS:
              --spec <spec.yaml>      The feature spec (YAML or JSON) that maps a CRM export's tables and
                                      defines the label, cut-off and features.
              --data <path|url>       With --spec, the folder of CRM tables or a PostgreSQL database holding
                                      them (postgres://user@host:port/database); without, the flat table (CSV
                                      with a header row).
              --skip-invalid-rows     With --spec, skip rows with unreadable values or unknown ids and count
                                      them, instead of stopping at the first.
              --leak-auc <auc>        With --spec, report a feature column whose AUC on its own reaches this as
                                      a likely leak. (default: 0.9)
              --label <column>        Flat tables: the column holding the outcome: 0/1, true/false, or text
                                      with --positive.
              --positive <value>      The label value that marks a win; every other value is a loss.
              --weight <column>       A column of non-negative sample weights.
              --l2 <lambda|auto>      The L2 penalty strength λ ≥ 0 (λ = 1/C in scikit-learn; default 0), or
                                      `auto` (with --spec) to pick it from 0.01 … 1000 by time-ordered
                                      cross-validation on the training part.
              --penalty <l2|elasticnet>
                                      `l2` (the default, strength --l2) or `elasticnet`: λ·(α‖β‖₁ +
                                      (1−α)/2·‖β‖²) with --alpha and --lambda; the L1 part drops coefficients
                                      to exactly zero. (values: l2, elasticnet; default: l2)
              --alpha <alpha>         With --penalty elasticnet, the L1 share α of the penalty, 0 … 1 (l1_ratio
                                      in scikit-learn; 1 is the lasso).
              --lambda <lambda|auto>  With --penalty elasticnet, the penalty strength λ ≥ 0 (1/C in
                                      scikit-learn), or `auto` (with --spec) to pick it on a path of
                                      --path-length penalties from λ_max down by time-ordered cross-validation.
              --one-se                With --l2 auto or --lambda auto, pick the largest penalty whose
                                      cross-validated log-loss is within one standard error of the best,
                                      instead of the best.
              --path-length <n>       With --lambda auto, the number of penalties on the path, from λ_max down
                                      to λ_max/1000. (default: 100)
              --hessian-free-width <n>
                                      Above this many feature columns, fit with L-BFGS from gradients alone,
                                      without the Hessian: no standard errors or score ranges. (default: 1000)
              --hessian-sample-rows <n>
                                      On many rows, first fit a sample of at most this many rows (and an eighth
                                      of them at most), then step from there; 0 fits on all rows from the
                                      start, as the Spark driver does. (default: 100000)
              --holdout <fraction>    With --spec, the share of closed leads, most recently closed, held out of
                                      the fit to validate on (0 fits on all). (default: 0.2)
              --calibration <method>  With --spec, calibrate the probabilities on the held-out leads: none,
                                      platt (Platt scaling of the log-odds) or isotonic (isotonic regression).
                                      (values: none, platt, isotonic; default: none)
              --min-class-count <n>   With --spec, refuse to train with fewer won, or fewer lost, closed leads
                                      than this. (default: 40)
              --standardize/--no-standardize
                                      Penalize coefficients of columns scaled to unit standard deviation;
                                      --no-standardize penalizes raw coefficients. (default: --standardize)
              --categorical <column>  Read this column as categorical even if it holds numbers (repeatable).
              --exclude <column>      Leave this column out of the features, such as an id or a column that
                                      leaks the outcome (repeatable).
              --out <model.json>      Where to write the model (JSON).
              --row-cache <file>      Flat tables: write the encoded rows to this chunked binary file and fit
                                      by streaming it, for tables larger than memory.
              --row-cache-float32     With --row-cache, store the features as float32: half the bytes, each
                                      value rounded to 24 significant bits.
              --row-cache-chunk-rows <n>
                                      With --row-cache, rows per chunk (default: about 8 MiB of features).
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity inspect --help")
    func inspect() throws {
        #expect(try runPropensity(["inspect", "--help"]).standardOutput == """
            OVERVIEW: Print a saved model's card, statistics and coefficient table.

            The card says when and with which version the model was trained, on which rows (count, close dates,
            the leads file's size and hash), its cut-off rule, its validation on the most recently closed leads
            (metrics, calibration and lift by decile), how --l2 auto chose the penalty, the grade cut points
            and, for a model trained with --calibration, the calibration method and the expected calibration
            error on the held-out leads before and after it.

            With --json, prints an object with intercept, coefficients, standardErrors, zValues, pValues,
            confidenceIntervals and oddsRatios (each keyed by feature name; the intercept's under `intercept`),
            logLikelihood, nullLogLikelihood, pseudoRSquared, aic, bic, iterations, converged, trainingMetrics,
            and the card's trainedAt, trainingData, validation, penaltySearch, grades and calibration.

            USAGE: propensity inspect <model.json> [--json]

            ARGUMENTS:
              <model.json>            The model file written by `propensity train`.

            OPTIONS:
              --json                  Print JSON instead of a table.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity generate --help")
    func generate() throws {
        #expect(try runPropensity(["generate", "--help"]).standardOutput == """
            OVERVIEW: Write a synthetic CRM export whose outcomes follow known effects.

            Writes companies.csv, contacts.csv, leads.csv (one row per SQL) and events.csv as a CRM would
            export them, spec.yaml (a feature spec for them), effects.json (the true model in the spec's
            feature names) and truth.csv (each closed lead's true probability). Outcomes are drawn from the
            true model, on features as of each lead's cut-off; events after it and the forecast_category column
            leak the outcome. The same seed and lead count give identical files. Files are written under
            temporary names and renamed when complete.

            USAGE: propensity generate --out <dir> --leads <n> [--seed <s>] [--force] [--progress]

            OPTIONS:
              --out <dir>             The folder to write into (created if missing).
              --leads <n>             The number of SQLs to write (≥ 1); one company per four leads.
              --seed <s>              The seed of the random draws. (default: 1)
              --force                 Overwrite files of the same names in the folder.
              --progress              Report progress on standard error even when it is not a terminal.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity score --help")
    func score() throws {
        #expect(try runPropensity(["score", "--help"]).standardOutput == """
            OVERVIEW: Score the open SQLs of a CRM export with a saved model.

            Reads the tables of --data the way the model's feature spec says, computes every open lead's
            features as of --as-of (and as of 7 days earlier, for the trend) in one pass over the events, and
            writes one row per open lead: lead_id; probability with its 90% range (probability_low,
            probability_high: the delta method on the logit scale, from the coefficients' covariance); score
            (round(100 × probability)) and grade (A to D, by the cut points in the model: the lowest scores
            that at most 10%, 30% and 60% of the training leads reach are the lowest A, B and C); score_7d_ago
            and score_change (empty for leads that were not yet SQLs then); raising_1..3 and lowering_1..3, the
            features that raise and lower the lead's odds most, each as its value in words and its contribution
            to the log-odds relative to the average training lead ("5 contacts engaged in the 14 days after
            sql_at: +0.61"). A model trained with --calibration gives calibrated probabilities, ranges, scores
            and grades; the factors stay on its log-odds.

            The file is written under a temporary name and renamed when complete: a failed run leaves no
            partial output, and an earlier file of the same name stays as it was.

            With --write postgres://user@host:port/database (the password from PGPASSWORD or ~/.pgpass, never
            in the URL), the scores go to the table --table in one transaction: the table is created when
            missing (its columns are in the README), the rows of an earlier run of the same model and --as-of
            are replaced, and a failed run leaves the table as it was. An existing table with other columns or
            types is an error, found before scoring starts. --out and --write can be given together (the
            database is written first; when that fails, the file is not written); at least one of them or
            --features is needed.

            --features FILE writes, per lead, lead_id, score_probability (the probability with every digit) and
            the inputs of `propensity export`: each spec feature's raw value as of --as-of (empty when
            missing), a hashed feature as its signed bucket columns.

            USAGE: propensity score --model <model.json> --data <dir|url> [--as-of <instant>] [--out <file>] [--write <url>] [--table <table>] [--format <format>] [--features <file>] [--skip-invalid-rows] [--progress] [--threads <n>]

            OPTIONS:
              --model <model.json>    The model file written by `propensity train --spec`.
              --data <dir|url>        The folder of CRM tables, named as in the model's spec, or a PostgreSQL
                                      database holding them (postgres://user@host:port/database).
              --as-of <instant>       The instant to score as of (ISO 8601, such as 2025-07-01 or
                                      2025-07-01T09:00:00Z); default now.
              --out <file>            The file to write the scores to.
              --write <url>           A PostgreSQL database to write the scores to, as
                                      postgres://user@host:port/database.
              --table <table>         The table --write fills: name or schema.name. (default: lead_scores)
              --format <format>       csv or jsonl (JSON Lines: one object per lead, factors as arrays).
                                      (values: csv, jsonl; default: csv)
              --features <file>       Also write each lead's feature values (the inputs of `propensity export`)
                                      and the probability with every digit, as CSV, to this file.
              --skip-invalid-rows     Skip rows with unreadable values or unknown ids and count them, instead
                                      of stopping at the first.
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity report --help")
    func report() throws {
        #expect(try runPropensity(["report", "--help"]).standardOutput == """
            OVERVIEW: Write a self-contained HTML report on a model and the open pipeline it scores.

            One HTML file with everything inline (styles, and charts as SVG; no scripts), which opens offline:
            its Content-Security-Policy forbids loading anything. Sections: the model card (data, dates,
            cut-off, validation metrics, penalty, grades); the coefficients with 95% confidence intervals, as a
            forest plot on the log-odds scale and a table; on the held-out leads, the ROC curve, the
            calibration plot (predicted against observed win rate by decile) and lift by decile; and the open
            leads of --data scored as of --as-of: the distribution of their scores coloured by grade, leads per
            grade, and the leads most likely to close; the forecast of that pipeline's wins and revenue by lead
            source, with P10–P90 ranges and a backtest on a past quarter, as `propensity forecast` gives it;
            and the lead sources on the closed leads of --data, as `propensity analyze` with its defaults finds
            them: win rates with 95% Wilson intervals, revenue and cost, observed against predicted wins on the
            leads the model was not fitted on, and the rep × source cells flagged after Benjamini–Hochberg
            adjustment (left out, with a note, when the spec maps no source).

            A model trained with --holdout 0 has no validation: the report says so in place of the ROC,
            calibration and lift charts. A model trained on a flat table cannot score a CRM export and is
            refused. The file is written under a temporary name and renamed when complete.

            USAGE: propensity report --model <model.json> --data <dir|url> [--as-of <instant>] --out <report.html> [--skip-invalid-rows] [--progress] [--threads <n>]

            OPTIONS:
              --model <model.json>    The model file written by `propensity train --spec`.
              --data <dir|url>        The folder of CRM tables, named as in the model's spec, or a PostgreSQL
                                      database holding them (postgres://user@host:port/database).
              --as-of <instant>       The instant to score the open leads as of (ISO 8601, such as 2025-07-01);
                                      default now.
              --out <report.html>     Where to write the report.
              --skip-invalid-rows     Skip rows with unreadable values or unknown ids and count them, instead
                                      of stopping at the first.
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity forecast --help")
    func forecast() throws {
        #expect(try runPropensity(["forecast", "--help"]).standardOutput == """
            OVERVIEW: Forecast the open pipeline's wins and revenue, with P10–P90 ranges and a backtest.

            Scores every lead that was an open SQL at --as-of (features as of then) and gives, for the whole
            pipeline and for each group of each --by: the expected number of wins (Σ p) and expected revenue (Σ
            p × amount, the spec's tables.leads.amount), and P10, P50 and P90 of both: the smallest values
            whose probability of not being exceeded reaches 10%, 50% and 90%. Leads are treated as independent,
            which leaves out anything that moves many deals at once: real outcomes can stray further. Wins
            follow the exact Poisson-binomial distribution (at most 1e-12 of probability dropped from its
            tails). Revenue is exact when the amounts are whole multiples of a common unit with at most 10
            million states; otherwise it is simulated (--simulations runs, seeded), and each quantile's Monte
            Carlo standard error is shown. Leads without an amount count in wins and are left out of revenue.

            --by takes source or owner (the spec's mapped columns), any leads column, companies.COLUMN,
            month:COLUMN (the UTC month of a timestamp column) or month (of the SQL date, the spec's cut-off
            anchor); a missing value is the group (missing). Repeat it for several breakdowns.

            The backtest forecasts a past quarter's pipeline as it stood at the quarter's start, with the
            features of then, and counts what those leads did by --as-of: won, lost, or still open (then `won`
            is a lower bound of the eventual wins). Coverage is how many groups' actual wins and revenue fell
            within their P10–P90 bands. By default the quarter is the first that starts at or after the model's
            validation began, so the model never saw its outcomes; the output says when leads of the chosen
            quarter were in training.

            USAGE: propensity forecast [<options>] --model <model.json> --data <dir|url>

            OPTIONS:
              --model <model.json>    The model file written by `propensity train --spec`.
              --data <dir|url>        The folder of CRM tables, named as in the model's spec, or a PostgreSQL
                                      database holding them (postgres://user@host:port/database).
              --as-of <instant>       The instant to forecast as of (ISO 8601, such as 2025-07-01); default now.
              --by <field>            Break the pipeline down by this field: source, owner, a leads column,
                                      companies.COLUMN, month or month:COLUMN (repeatable).
              --backtest <quarter>    The quarter to backtest on, such as 2025Q1; default: the first the
                                      model's validation covers.
              --no-backtest           Skip the backtest.
              --simulations <n>       Monte Carlo runs when revenue must be simulated; default 100,000 (fewer
                                      beyond 20,000 leads: 2·10⁹ / leads, at least 1,000).
              --seed <seed>           The simulation's seed. (default: 1)
              --out <file>            Also write the forecast to this file (CSV or JSON).
              --format <format>       csv or json; default from --out's extension. (values: csv, json)
              --skip-invalid-rows     Skip rows with unreadable values or unknown ids and count them, instead
                                      of stopping at the first.
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }
    @Test("propensity evaluate --help")
    func evaluate() throws {
        #expect(try runPropensity(["evaluate", "--help"]).standardOutput == """
            OVERVIEW: Measure a saved model on the closed leads of a CRM export.

            Scores every closed (won or lost) lead of --data as of its training cut-off, exactly as training
            saw leads, and prints AUC, log-loss, Brier score, the expected calibration error, a calibration
            table (deciles of the predicted probability: mean predicted against observed win rate) and lift by
            decile. Use it on data the model has not seen, such as a later quarter's export. A model trained
            with --calibration is measured on its calibrated probabilities.

            With --json, prints the same as one JSON object: rows, wins, closedFrom, closedTo, metrics (auc,
            logLoss, brier, count), calibration, lift and roc (the ROC curve's points, at most 200).

            USAGE: propensity evaluate --model <model.json> --data <dir|url> [--json] [--skip-invalid-rows] [--progress] [--threads <n>]

            OPTIONS:
              --model <model.json>    The model file written by `propensity train --spec`.
              --data <dir|url>        The folder of CRM tables, named as in the model's spec, or a PostgreSQL
                                      database holding them (postgres://user@host:port/database).
              --json                  Print JSON instead of tables.
              --skip-invalid-rows     Skip rows with unreadable values or unknown ids and count them, instead
                                      of stopping at the first.
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity explain --help")
    func explain() throws {
        #expect(try runPropensity(["explain", "--help"]).standardOutput == """
            OVERVIEW: Show every feature's value and contribution for one lead.

            Computes the lead's features (a closed lead as of its training cut-off, an open one as of --as-of)
            and splits its log-odds into the baseline, the log-odds of the average training lead, plus one
            contribution per feature: the sum over the feature's model columns of coefficient × (value −
            training mean). Features are listed by the size of their contribution, with their values in words
            and, below each, its model columns.

            With --json, prints the same as one JSON object.

            USAGE: propensity explain --model <model.json> --data <dir|url> --lead <id> [--as-of <instant>] [--json] [--skip-invalid-rows] [--progress] [--threads <n>]

            OPTIONS:
              --model <model.json>    The model file written by `propensity train --spec`.
              --data <dir|url>        The folder of CRM tables, named as in the model's spec, or a PostgreSQL
                                      database holding them (postgres://user@host:port/database).
              --lead <id>             The lead's id, as in the leads table.
              --as-of <instant>       For an open lead, the instant to explain as of (ISO 8601); default now.
              --json                  Print JSON instead of a table.
              --skip-invalid-rows     Skip rows with unreadable values or unknown ids and count them, instead
                                      of stopping at the first.
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity analyze --help")
    func analyze() throws {
        #expect(try runPropensity(["analyze", "--help"]).standardOutput == """
            OVERVIEW: Compare lead sources and reps on closed SQLs: win rates, revenue and cost.

            Reads the closed (won or lost) leads of --data through a feature spec that maps the leads' source
            (and owner, won_amount or amount, and cost), from --spec or from the spec inside --model. Open SQLs
            have no outcome yet and are left out.

            Per source: closed SQLs, wins, the win rate with its 95% Wilson interval, revenue (won_amount of
            each won deal, else its amount), cost per lead, cost per won deal and revenue per unit of cost;
            leads without a cost are left out of the cost figures and counted. Per rep, the same without costs.
            Per rep × source cell with at least --min-cell-size closed leads: the win rate against the same
            rep's other sources by Fisher's exact test (two-sided), the p-values adjusted over all cells by
            --correction, and a flag only where the adjusted p-value is at most --level.

            With --model, every closed lead is scored as of its training cut-off, and each source and rep's
            wins are compared with the sum of its probabilities (exact Poisson-binomial test, adjusted within
            each table). The table covers the leads the model was not fitted on: its held-out leads when --data
            holds the very leads file it was trained on, else the leads closed after its training data. On the
            leads it was fitted on, a source or rep that is a model feature matches its prediction by
            construction; --in-sample shows them too.

            --out writes every figure, as CSV (one row per source, rep and cell) or JSON, atomically.

            USAGE: propensity analyze --data <dir|url> [--spec <spec.yaml>] [--model <model.json>] [--correction <method>] [--level <level>] [--min-cell-size <n>] [--in-sample] [--out <file>] [--format <format>] [--skip-invalid-rows] [--progress] [--threads <n>]

            OPTIONS:
              --data <dir|url>        The folder of CRM tables, or a PostgreSQL database holding them
                                      (postgres://user@host:port/database).
              --spec <spec.yaml>      The feature spec that maps the tables (without --model).
              --model <model.json>    A model trained with --spec: its spec reads the tables, and its
                                      predictions are compared with the outcomes.
              --correction <method>   How p-values are adjusted for testing many groups: bh
                                      (Benjamini–Hochberg, false discovery rate), by (Benjamini–Yekutieli, the
                                      same under any dependence) or holm (family-wise error rate). (values: bh,
                                      by, holm; default: bh)
              --level <level>         Flag a group when its adjusted p-value is at most this: the false
                                      discovery rate (bh, by) or family-wise error rate (holm) kept. (default:
                                      0.05)
              --min-cell-size <n>     Rep × source cells with fewer closed leads are neither shown nor tested.
                                      (default: 10)
              --in-sample             With --model, also compare observed with predicted wins on the leads the
                                      model was fitted on.
              --out <file>            Also write every figure to this file.
              --format <format>       The format of --out: csv or json. (values: csv, json; default: csv)
              --skip-invalid-rows     Skip rows with unreadable values or unknown ids and count them, instead
                                      of stopping at the first.
              --progress              Report progress on standard error even when it is not a terminal.
              --threads <n>           Threads for passes over the data (default: one per core). Results do not
                                      depend on it.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test("propensity export --help")
    func export() throws {
        #expect(try runPropensity(["export", "--help"]).standardOutput == """
            OVERVIEW: Write a saved model as a SQL query or a PMML document, to score where the data lives.

            The export computes the model's probability from its inputs, one row at a time, with the model's
            own encodings (log1p, clips, imputed missing values and their indicators, quantile bins, spline
            terms, one-hot levels with `other` and `(missing)`, interactions), coefficients and calibration.

            The inputs of a CRM model are its spec features' raw values as of the scoring instant, one column
            per feature, named as the feature; a hashed feature's input is its signed bucket columns NAME[0],
            NAME[1]…; an interaction has none. `propensity score --features FILE` writes exactly that table,
            with the probability score gave beside it to check a port against. The inputs of a flat-table model
            are the table's feature columns. The export's opening comment (SQL) or the fields' displayName
            (PMML) lists them.

            --format sql writes one query, SELECT t.*, <probability> AS probability FROM <--table> AS t, that
            PostgreSQL and Spark SQL both run (--dialect picks the quoting of names and text, log1p and
            timestamps); a NULL input is a missing value. --format pmml writes a PMML 4.4 RegressionModel with
            normalizationMethod="logit" and an output field `probability`.

            --format feature-sql writes the query that computes a CRM model's inputs from the CRM tables named
            in its spec (timestamps typed as timestamps), for every open SQL as of --as-of or, without it, as
            of the time the query runs: leads and companies columns, stage-date differences and the engagement
            aggregates, with lead_id. Make it a view named as --table and the model's query scores the pipeline
            in the database. Hashed buckets need MurmurHash3, which the engines do not share: the query leaves
            them out and says so.

            The output is written under a temporary name and renamed when complete.

            USAGE: propensity export --model <model.json> --format <format> [--dialect <dialect>] [--table <table>] [--as-of <instant>] [--out <file>]

            OPTIONS:
              --model <model.json>    The model file written by `propensity train`.
              --format <format>       sql, pmml, or feature-sql (a CRM model's inputs computed from its
                                      tables). (values: sql, pmml, feature-sql)
              --dialect <dialect>     For --format sql and feature-sql: postgresql or spark. (values:
                                      postgresql, spark; default: postgresql)
              --table <table>         For --format sql: the table or view of inputs the query reads, as name or
                                      schema.name. (default: features)
              --as-of <instant>       For --format feature-sql: the instant the features are computed as of
                                      (ISO 8601); default the time the query runs.
              --out <file>            The file to write; default standard output.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }
}
