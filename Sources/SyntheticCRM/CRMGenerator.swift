import Foundation

/// Writes a synthetic CRM export whose close probability follows a known logistic model.
///
/// The export is a folder of CSV files as a CRM would give them, plus the spec that fits them
/// and the truth behind them:
///
/// | file | rows |
/// |---|---|
/// | `companies.csv` | company_id, name, industry, employees, annual_revenue, country, region |
/// | `contacts.csv` | contact_id, lead_id, first_name, job_function, seniority (1-8 per lead) |
/// | `leads.csv` | one row per SQL: lead_id, company_id, owner_rep, source, created_at, mql_at, sal_at, sql_at, bant_budget, bant_authority, bant_need, bant_timeline, amount, acquisition_cost, outcome, closed_at, final_amount, loss_reason, forecast_category |
/// | `events.csv` | event_id, contact_id, lead_id, occurred_at, event_type, asset |
/// | `spec.yaml` | the feature spec (format version 1) of the true model's features and a few harmless ones |
/// | `effects.json` | the true model: intercept and each effect's spec feature, column, coefficient and meaning |
/// | `truth.csv` | lead_id, true_probability of each closed lead as of its cut-off |
///
/// Each closed lead's outcome is drawn from `logit P(won) = intercept + Σ effects`, the effects
/// computed as the spec's features compute them as of the cut-off `min(sql_at + 14 days,
/// closed_at)` from events strictly before it. Events after the cut-off (and, for won deals,
/// after the close) depend on the outcome, so an extractor that ignores the cut-off leaks.
/// `forecast_category`, filled in only at the close, leaks too; the spec does not use it.
///
/// ```swift
/// let summary = try CRMGenerator(leads: 10_000, seed: 7).write(to: URL(fileURLWithPath: "crm"))
/// print(summary.wonRate)
/// ```
///
/// The rows are streamed through buffered writers: memory holds the companies (one per four
/// leads, 8 bytes each) and one lead at a time, so ten million leads need no more than a few
/// hundred megabytes. The same seed and lead count give byte-identical files on a given
/// platform (draws go through the C library's `exp`, `log` and `cos`, whose last bits may
/// differ between platforms).
public struct CRMGenerator: Sendable {
    /// The number of leads (SQLs) to write.
    public let leads: Int
    /// The seed of every random draw.
    public let seed: UInt64

    /// The export's "now", 2025-07-01T00:00:00Z: SQLs span the two years before it, and no
    /// stage, close or event happens at or after it. Deals that would close later are open.
    public static let now = Date(timeIntervalSince1970: TimeInterval(nowSeconds))
    static let nowSeconds = CivilDate.daysSinceEpoch(year: 2025, month: 7, day: 1) * 86_400

    /// The files a run writes, in the order they are written.
    public static let fileNames = ["companies.csv", "contacts.csv", "leads.csv", "events.csv", "truth.csv", "spec.yaml", "effects.json"]

    /// A generator of `leads` leads drawn with `seed`.
    ///
    /// - Parameters:
    ///   - leads: The number of SQLs, at least 1. There is one company per four leads.
    ///   - seed: Any value; the same seed and lead count give the same files.
    /// - Throws: `GenerationError.invalidLeadCount` when `leads` is below 1.
    public init(leads: Int, seed: UInt64) throws(GenerationError) {
        guard leads >= 1 else { throw .invalidLeadCount(leads) }
        self.leads = leads
        self.seed = seed
    }

    /// The number of companies a run writes: one per four leads, at least one.
    public var companyCount: Int { max(1, (leads + 3) / 4) }

    /// Writes the export into `directory`, creating it if needed.
    ///
    /// Every file is written under a temporary name and renamed into place only once all of
    /// them are complete, so a failed run leaves no partial file behind.
    ///
    /// - Parameters:
    ///   - directory: The folder to write into.
    ///   - overwrite: Whether existing files of the same names may be replaced (default false).
    ///   - progress: Called on the calling thread after the companies, after every 100,000 leads
    ///     and after the last.
    /// - Returns: Row counts, outcomes and the true model's AUC.
    /// - Throws: `GenerationError.filesExist` when a file exists and `overwrite` is false;
    ///   `.cannotCreateDirectory` or `.cannotWrite` when the file system refuses.
    /// - Complexity: O(leads + events) time; memory O(leads / 4) for the companies.
    public func write(to directory: URL, overwrite: Bool = false,
                      progress: ((GenerationProgress) -> Void)? = nil) throws(GenerationError) -> GenerationSummary {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .cannotCreateDirectory(path: directory.path, reason: "a file of that name exists")
            }
        } else {
            do {
                try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateDirectory(path: directory.path, reason: (error as NSError).localizedDescription)
            }
        }
        let urls = CRMGenerator.fileNames.map { directory.appendingPathComponent($0) }
        let existing = urls.filter { fileManager.fileExists(atPath: $0.path) }.map(\.lastPathComponent)
        if !overwrite && !existing.isEmpty { throw .filesExist(directory: directory.path, names: existing) }

        var files: [CSVOutputFile] = []
        var texts: [URL] = []
        do throws(GenerationError) {
            let summary = try writeFiles(urls, opened: &files, progress: progress)
            for (url, text) in zip(urls[5...], [GeneratedSpec.yaml(seed: seed, leads: leads), GeneratedSpec.effectsJSON()]) {
                let temporary = CSVOutputFile.temporaryURL(for: url)
                texts.append(temporary)
                do {
                    try Data(text.utf8).write(to: temporary)
                } catch {
                    throw GenerationError.cannotWrite(path: url.path, reason: (error as NSError).localizedDescription)
                }
            }
            for file in files { try publish(file.temporary, as: file.destination) }
            for (temporary, url) in zip(texts, urls[5...]) { try publish(temporary, as: url) }
            return summary
        } catch {
            for file in files { file.discard() }
            for temporary in texts { try? fileManager.removeItem(at: temporary) }
            throw error
        }
    }

    private func publish(_ temporary: URL, as url: URL) throws(GenerationError) {
        guard rename(temporary.path, url.path) == 0 else {
            throw .cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    private func writeFiles(_ urls: [URL], opened files: inout [CSVOutputFile],
                            progress: ((GenerationProgress) -> Void)?) throws(GenerationError) -> GenerationSummary {
        let companiesFile = try CSVOutputFile(urls[0], header: ["company_id", "name", "industry", "employees", "annual_revenue", "country", "region"])
        files.append(companiesFile)
        let contactsFile = try CSVOutputFile(urls[1], header: ["contact_id", "lead_id", "first_name", "job_function", "seniority"])
        files.append(contactsFile)
        let leadsFile = try CSVOutputFile(urls[2], header: [
            "lead_id", "company_id", "owner_rep", "source", "created_at", "mql_at", "sal_at", "sql_at",
            "bant_budget", "bant_authority", "bant_need", "bant_timeline", "amount", "acquisition_cost",
            "outcome", "closed_at", "final_amount", "loss_reason", "forecast_category",
        ])
        files.append(leadsFile)
        let eventsFile = try CSVOutputFile(urls[3], header: ["event_id", "contact_id", "lead_id", "occurred_at", "event_type", "asset"])
        files.append(eventsFile)
        let truthFile = try CSVOutputFile(urls[4], header: ["lead_id", "true_probability"])
        files.append(truthFile)

        let companies = try writeCompanies(to: companiesFile)
        var leadRows = CSVRows(), contactRows = CSVRows(), eventRows = CSVRows(), truthRows = CSVRows()
        progress?(GenerationProgress(leadsWritten: 0, totalLeads: leads, eventsWritten: 0))

        let words = EncodedWords()
        var simulator = LeadSimulator(seed: seed, leadCount: leads, companies: companies, now: CRMGenerator.nowSeconds)
        var won = 0, lost = 0, contactCount = 0, eventCount = 0
        var auc = AUCHistogram()
        let letterL = UInt8(ascii: "L"), letterP = UInt8(ascii: "P"), letterC = UInt8(ascii: "C"), letterE = UInt8(ascii: "E")
        for index in 0..<leads {
            let lead = simulator.simulate(index)
            let leadNumber = index + 1
            leadRows.field(prefix: letterL, leadNumber)
            leadRows.field(prefix: letterC, lead.company + 1)
            leadRows.field(bytes: words.reps[lead.rep])
            leadRows.field(bytes: words.sources[lead.source.rawValue])
            leadRows.field(timestamp: lead.createdAt)
            leadRows.field(timestamp: lead.mqlAt)
            leadRows.field(timestamp: lead.salAt)
            leadRows.field(timestamp: lead.sqlAt)
            leadRows.field(bytes: words.answers[lead.budget.rawValue])
            leadRows.field(bytes: words.answers[lead.authority.rawValue])
            leadRows.field(bytes: words.answers[lead.need.rawValue])
            leadRows.field(bytes: words.answers[lead.timeline.rawValue])
            leadRows.field(lead.amount)
            leadRows.field(cents: lead.acquisitionCostCents)
            switch lead.outcome {
            case .won: leadRows.field(bytes: words.won); won += 1
            case .lost: leadRows.field(bytes: words.lost); lost += 1
            case .open: leadRows.emptyField()
            }
            leadRows.field(timestamp: lead.closedAt)
            if let amount = lead.finalAmount { leadRows.field(amount) } else { leadRows.emptyField() }
            if let reason = lead.lossReason { leadRows.field(bytes: words.lossReasons[reason.rawValue]) } else { leadRows.emptyField() }
            if let category = lead.forecastCategory { leadRows.field(bytes: words.forecastCategories[category.rawValue]) } else { leadRows.emptyField() }
            leadRows.endRow()
            if leadRows.isFull { try leadsFile.write(&leadRows) }

            if let probability = lead.trueProbability {
                truthRows.field(prefix: letterL, leadNumber)
                truthRows.field(probability)
                truthRows.endRow()
                if truthRows.isFull { try truthFile.write(&truthRows) }
                auc.add(probability, won: lead.outcome == .won)
            }

            let firstContact = contactCount + 1
            for contact in simulator.contacts {
                contactCount += 1
                contactRows.field(prefix: letterP, contactCount)
                contactRows.field(prefix: letterL, leadNumber)
                if contact.firstName >= 0 { contactRows.field(bytes: words.firstNames[contact.firstName]) } else { contactRows.emptyField() }
                contactRows.field(bytes: words.functions[contact.function.rawValue])
                contactRows.field(bytes: words.seniorities[contact.seniority.rawValue])
                contactRows.endRow()
                if contactRows.isFull { try contactsFile.write(&contactRows) }
            }
            for event in simulator.events {
                eventCount += 1
                eventRows.field(prefix: letterE, eventCount)
                if event.contact >= 0 { eventRows.field(prefix: letterP, firstContact + event.contact) } else { eventRows.emptyField() }
                eventRows.field(prefix: letterL, leadNumber)
                eventRows.field(timestamp: event.time)
                eventRows.field(bytes: words.eventTypes[event.type.rawValue])
                if let asset = event.asset { eventRows.field(bytes: words.assets[asset.rawValue]) } else { eventRows.emptyField() }
                eventRows.endRow()
                if eventRows.isFull { try eventsFile.write(&eventRows) }
            }
            if leadNumber % 100_000 == 0 || leadNumber == leads {
                progress?(GenerationProgress(leadsWritten: leadNumber, totalLeads: leads, eventsWritten: eventCount))
            }
        }
        try leadsFile.finish(&leadRows)
        try contactsFile.finish(&contactRows)
        try eventsFile.finish(&eventRows)
        try truthFile.finish(&truthRows)
        return GenerationSummary(directory: urls[0].deletingLastPathComponent(), companies: companies.count,
                                 contacts: contactCount, leads: leads, events: eventCount,
                                 won: won, lost: lost, open: leads - won - lost, trueModelAUC: auc.value)
    }

    /// Draws and writes the companies; returns what the leads need of them.
    private func writeCompanies(to file: CSVOutputFile) throws(GenerationError) -> [SimulatedCompany] {
        var rng = SplitMix64(seed: seed, stream: 0)
        var companies: [SimulatedCompany] = []
        companies.reserveCapacity(companyCount)
        let industries = Industry.encodedWords(), countries = Country.encodedWords(), regions = Region.encodedWords()
        let legalForms = Country.allCases.map { Array($0.legalForm.utf8) }
        let sectorWords = Industry.allCases.map { $0.nameWords.map { Array($0.utf8) } }
        let prefixes = CompanyNames.prefixes.map { Array($0.utf8) }, stems = CompanyNames.stems.map { Array($0.utf8) }
        var name: [UInt8] = []
        var rows = CSVRows()
        for i in 0..<companyCount {
            let industry = Industry(rawValue: rng.pick(Industry.weights))!
            let country = Country(rawValue: rng.pick(Country.weights))!
            let employees = min(250_000, max(3, Int(rng.logNormal(median: 180, sigma: 1.5).rounded())))
            let revenue = max(100_000, roundTo(Double(employees) * industry.revenuePerEmployee * rng.logNormal(median: 1, sigma: 0.4), 1000))
            let fit = Float(rng.normal())
            name.removeAll(keepingCapacity: true)
            name.append(contentsOf: prefixes[rng.index(below: prefixes.count)])
            name.append(contentsOf: stems[rng.index(below: stems.count)])
            name.append(0x20)
            let sector = sectorWords[industry.rawValue]
            name.append(contentsOf: sector[rng.index(below: sector.count)])
            name.append(0x20)
            name.append(contentsOf: legalForms[country.rawValue])
            rows.field(prefix: UInt8(ascii: "C"), i + 1)
            rows.field(bytes: name)
            rows.field(bytes: industries[industry.rawValue])
            rows.field(employees)
            rows.field(revenue)
            rows.field(bytes: countries[country.rawValue])
            rows.field(bytes: regions[country.region.rawValue])
            rows.endRow()
            if rows.isFull { try file.write(&rows) }
            companies.append(SimulatedCompany(employees: Int32(employees), fit: fit))
        }
        try file.finish(&rows)
        return companies
    }
}

/// The vocabulary's words as bytes, encoded once per run.
private struct EncodedWords {
    let reps = SalesRep.team.map { Array($0.handle.utf8) }
    let sources = LeadSource.encodedWords()
    let answers = BANTAnswer.encodedWords()
    let functions = JobFunction.encodedWords()
    let seniorities = Seniority.encodedWords()
    let eventTypes = EventType.encodedWords()
    let assets = ContentAsset.encodedWords()
    let lossReasons = LossReason.encodedWords()
    let forecastCategories = ForecastCategory.encodedWords()
    let firstNames = LeadSimulator.firstNames.map { Array($0.utf8) }
    let won = Array("won".utf8)
    let lost = Array("lost".utf8)
}

/// The AUC of probabilities against outcomes, from counts in 65,536 equal bins of [0, 1].
struct AUCHistogram {
    private var wins = [Int](repeating: 0, count: 65_536)
    private var losses = [Int](repeating: 0, count: 65_536)

    mutating func add(_ probability: Double, won: Bool) {
        let bin = min(65_535, max(0, Int(probability * 65_536)))
        if won { wins[bin] += 1 } else { losses[bin] += 1 }
    }

    /// The probability that a random win scores above a random loss (ties within a bin: one
    /// half); 0.5 when either class is empty.
    var value: Double {
        var lossesBelow = 0.0, pairs = 0.0
        for bin in 0..<wins.count {
            pairs += Double(wins[bin]) * (lossesBelow + 0.5 * Double(losses[bin]))
            lossesBelow += Double(losses[bin])
        }
        let totalWins = Double(wins.reduce(0, +))
        return totalWins == 0 || lossesBelow == 0 ? 0.5 : pairs / (totalWins * lossesBelow)
    }
}
