import CSVParsing
import Dispatch
import Foundation
import Synchronization

/// The engagement features of every lead, computed in one streaming pass over the events table,
/// as of one or more sets of cut-offs at once.
///
/// Each cut-off set gets its own copy of every lead, a *virtual lead*: lead `L` of set `s`.
/// Only virtual leads whose cut-off is not NaN get a row, with that set's cut-off, anchors and
/// accumulators, and an event of lead `L` is added to each of them, so several sets cost one
/// read of the file (the expensive part) and a little more arithmetic.
///
/// Memory is per virtual lead with a cut-off and feature (a few `Double`s each) plus, for
/// distinct-contact counts, one entry per engaged virtual lead–contact pair: it does not grow
/// with the number of events, and scoring the open leads of a large export holds rows for
/// those leads only.
///
/// The pass is built for tens of millions of rows: each virtual lead's cut-off, window anchors
/// and accumulators sit together in one row of a flat array (one cache miss per event), and the
/// compiled features are plain values matched with bit masks, so the inner loop does no
/// reference counting.
struct EventAggregator {
    /// One event feature, compiled.
    struct Item {
        enum Kind: UInt8 {
            case count, lastEvent, decayed, velocity, distinct, consumed, firstTouch
        }
        var kind: Kind
        var featureIndex: Int
        /// This item's first accumulator, as an offset into a lead's row.
        var slot: Int
        /// Bit `b` set: events whose type (asset, role) has bit code `b` match. All ones: any.
        var typeBits: UInt64 = .max
        var assetBits: UInt64 = .max
        var roleBits: UInt64 = .max
        /// Whether the item needs a contact with a listed role.
        var needsRole = false
        /// 0: all history; 1: the `days` before the cut-off; 2: `days` from the anchor.
        var windowKind: UInt8 = 0
        var windowSeconds = 0.0
        /// The anchor's offset in a lead's row (window anchor, or speed-to-lead's start).
        var anchorSlot = 0
        /// Decay: where this item's per-type weights and inverse half-lives start in `decay`.
        var decayBase = 0
        /// Velocity: the two windows in seconds.
        var recent = 0.0
        var earlier = 0.0
    }

    /// Bit code for every type, asset or role the spec does not name.
    static let otherBit = 63

    let data: CRMDataSet
    let leadCount: Int
    var items: [Item] = []
    /// Per virtual lead: [cut-off, anchors…, accumulators…].
    var rowWidth = 1
    var anchorColumns: [String] = []
    /// Named types, assets and roles get bit codes 0, 1, …; others share `otherBit`.
    var namedTypes = ByteStringTable()
    var namedAssets = ByteStringTable()
    var namedRoles: [String] = []
    /// Decay weights and inverse half-lives, 64 entries per decay item, by type bit code.
    var decay: [Double] = []

    /// Compiles the event features of `data.spec`.
    ///
    /// - Throws: `CRMDataError` when the spec names more than 63 event types, assets or roles.
    init(data: CRMDataSet) throws(CRMDataError) {
        self.data = data
        leadCount = data.leadCount
        let spec = data.spec
        for type in spec.salesTouchTypes { namedTypes.insert(type) }
        var roles: [String] = []
        for feature in spec.features {
            var filter: EventFilter?
            switch feature.kind {
            case .eventCount(let f, _), .daysSinceLastEvent(let f), .velocity(let f, _, _), .distinctContacts(let f, _),
                 .consumed(let f, _):
                filter = f
            case .decayedEngagement(let f, _, let halfLives, let weights):
                filter = f
                for type in halfLives.keys.sorted() + weights.keys.sorted() { namedTypes.insert(type) }
            default: break
            }
            for type in filter?.types ?? [] { namedTypes.insert(type) }
            for asset in filter?.assets ?? [] { namedAssets.insert(asset) }
            for role in filter?.roles ?? [] where !roles.contains(role) { roles.append(role) }
        }
        namedRoles = roles
        for (what, count) in [("event types", namedTypes.count), ("assets", namedAssets.count), ("roles", roles.count)]
        where count >= Self.otherBit {
            throw CRMDataError(file: spec.tables.events?.file ?? spec.tables.leads.file, entry: "features",
                               message: "the spec names \(count) \(what); at most 62 are supported. Group them, or use fewer.")
        }

        func bits(_ names: [String]?, _ code: (String) -> Int?) -> UInt64 {
            guard let names else { return .max }
            return names.reduce(UInt64(0)) { $0 | (code($1).map { 1 << UInt64($0) } ?? 0) }
        }
        func anchorSlot(_ column: String) -> Int {
            if let k = anchorColumns.firstIndex(of: column) { return 1 + k }
            anchorColumns.append(column)
            return anchorColumns.count
        }
        // Anchors first, so that accumulator offsets are known once every anchor is placed.
        for feature in spec.features {
            switch feature.kind {
            case .eventCount(_, .after(let column, _)), .distinctContacts(_, .after(let column, _)),
                 .consumed(_, .after(let column, _)), .salesTouches(.after(let column, _)), .speedToLead(let column):
                _ = anchorSlot(column)
            default: break
            }
        }
        var nextSlot = 1 + anchorColumns.count
        for (index, feature) in spec.features.enumerated() {
            func item(_ kind: Item.Kind, _ filter: EventFilter, _ window: EventWindow?, slots: Int = 1) -> Item {
                var item = Item(kind: kind, featureIndex: index, slot: nextSlot)
                nextSlot += slots
                item.typeBits = bits(filter.types) { namedTypes.index(of: $0) }
                item.assetBits = bits(filter.assets) { namedAssets.index(of: $0) }
                item.roleBits = bits(filter.roles) { roles.firstIndex(of: $0) }
                item.needsRole = filter.roles != nil
                switch window {
                case nil: break
                case .beforeCutoff(let days):
                    item.windowKind = 1
                    item.windowSeconds = days * Timestamp.secondsPerDay
                case .after(let column, let days):
                    item.windowKind = 2
                    item.windowSeconds = days * Timestamp.secondsPerDay
                    item.anchorSlot = anchorSlot(column)
                }
                return item
            }
            switch feature.kind {
            case .eventCount(let filter, let window):
                items.append(item(.count, filter, window))
            case .daysSinceLastEvent(let filter):
                items.append(item(.lastEvent, filter, nil))
            case .decayedEngagement(let filter, let halfLife, let halfLives, let weights):
                var compiled = item(.decayed, filter, nil)
                compiled.decayBase = decay.count
                var weightTable = [Double](repeating: 1, count: 64)
                var inverseTable = [Double](repeating: 1 / (halfLife * Timestamp.secondsPerDay), count: 64)
                for (type, weight) in weights { weightTable[namedTypes.index(of: type)!] = weight }
                for (type, days) in halfLives { inverseTable[namedTypes.index(of: type)!] = 1 / (days * Timestamp.secondsPerDay) }
                decay += weightTable + inverseTable
                items.append(compiled)
            case .velocity(let filter, let recentDays, let earlierDays):
                var compiled = item(.velocity, filter, nil, slots: 2)
                compiled.recent = recentDays * Timestamp.secondsPerDay
                compiled.earlier = earlierDays * Timestamp.secondsPerDay
                items.append(compiled)
            case .distinctContacts(let filter, let window):
                items.append(item(.distinct, filter, window, slots: 0))
            case .consumed(let filter, let window):
                items.append(item(.consumed, filter, window))
            case .speedToLead(let from):
                var compiled = item(.firstTouch, EventFilter(types: spec.salesTouchTypes), nil)
                compiled.anchorSlot = anchorSlot(from)
                items.append(compiled)
            case .salesTouches(let window):
                items.append(item(.count, EventFilter(types: spec.salesTouchTypes), window))
            default:
                break
            }
        }
        rowWidth = nextSlot
    }

    /// What the pass found.
    struct Result {
        /// Per cut-off set, per event feature index, one raw value per lead (NaN = missing, and
        /// for leads whose cut-off is NaN).
        var values: [[Int: [Double]]]
        var skipped: SkippedRows
        var eventCount: Int
        /// The latest time of any event row with a readable time; -infinity when there was none.
        var latestEventTime: Double
    }

    /// Streams the events table once, as of every set in `cutoffSets` (one instant per lead,
    /// NaN = not extracted), and finishes every item.
    ///
    /// With `threads` > 1 the file is read in as many parts at once (split at line breaks),
    /// each into accumulators of its own, which are then combined; the values are the same as
    /// with one thread, up to the order of floating-point additions in decayed sums. A split
    /// that falls inside a quoted field is detected, and the file is then read in one part.
    ///
    /// - Parameter progress: Called every million events (from any thread) with the count so far.
    func run(cutoffSets: [[Double]], skipInvalidRows: Bool, threads: Int = 1,
             progress: (@Sendable (Int) -> Void)? = nil) throws(CRMDataError) -> Result {
        let setCount = cutoffSets.count
        guard let table = data.spec.tables.events else {
            return Result(values: [[Int: [Double]]](repeating: [:], count: setCount), skipped: SkippedRows(), eventCount: 0,
                          latestEventTime: -.infinity)
        }
        // The row of each virtual lead with a cut-off (lead L of set s at L·setCount + s, so
        // that an event finds all of its lead's rows side by side; −1 without), numbered set by
        // set and lead by lead.
        var virtualRows = [Int32](repeating: -1, count: setCount * leadCount)
        var rowCount = 0
        for (set, cutoffs) in cutoffSets.enumerated() {
            for lead in 0..<leadCount where !cutoffs[lead].isNaN {
                virtualRows[lead * setCount + set] = Int32(truncatingIfNeeded: rowCount)
                rowCount += 1
            }
        }
        // Distinct-contact pairs keep a row in 32 bits.
        precondition(rowCount <= Int(Int32.max), "\(rowCount) leads with a cut-off are more than one pass can hold.")
        // Each row: cut-off, anchors (NaN when missing or not before the cut-off), accumulators.
        var rows = [Double](repeating: 0, count: rowCount * rowWidth)
        for (set, cutoffs) in cutoffSets.enumerated() {
            for lead in 0..<leadCount {
                let row = Int(virtualRows[lead * setCount + set])
                guard row >= 0 else { continue }
                let cutoff = cutoffs[lead]
                let base = row * rowWidth
                rows[base] = cutoff
                for (k, column) in anchorColumns.enumerated() {
                    let anchor = data.leads.timestamps[column]![lead]
                    rows[base + 1 + k] = anchor < cutoff ? anchor : .nan
                }
                for item in items {
                    switch item.kind {
                    case .lastEvent: rows[base + item.slot] = -.infinity
                    case .firstTouch: rows[base + item.slot] = .infinity
                    default: break
                    }
                }
            }
        }
        let layout = Layout(setCount: setCount, virtualRows: virtualRows)
        // Per contact: owner (lead or company) in the low 32 bits, role bit code above.
        let contactInfo: [UInt64] = data.contactOwner.indices.map { contact in
            let role = data.contactRole[contact]
            var bit = UInt64(Self.otherBit)
            if role >= 0, let named = namedRoles.firstIndex(of: data.roles.key(at: Int(role))) { bit = UInt64(named) }
            return bit << 32 | UInt64(UInt32(bitPattern: data.contactOwner[contact]))
        }

        let reference = data.spec.tables.eventsReference!
        var readers = try data.source.open(reference, parts: max(1, threads))
        let counter = Mutex(0)
        let reportEvents: @Sendable (Int) -> Void = { count in
            guard let progress else { return }
            let total = counter.withLock { total -> Int in
                total += count
                return total
            }
            if total / 1_000_000 != (total - count) / 1_000_000 { progress(total / 1_000_000 * 1_000_000) }
        }

        var parts: [Part]
        if readers.count == 1 {
            parts = [accumulate(readers[0], table: table, rows: rows, layout: layout, contactInfo: contactInfo,
                                skipInvalidRows: skipInvalidRows, reportEvents: reportEvents)]
        } else {
            let results = Mutex([Part?](repeating: nil, count: readers.count))
            let shared = readers.map(OwnedReader.init)
            let template = rows
            DispatchQueue.concurrentPerform(iterations: shared.count) { k in
                let part = accumulate(shared[k].reader, table: table, rows: template, layout: layout, contactInfo: contactInfo,
                                      skipInvalidRows: skipInvalidRows, reportEvents: reportEvents)
                results.withLock { $0[k] = part }
            }
            parts = results.withLock { $0.map { $0! } }
            if parts.dropLast().contains(where: { $0.csvError.map(CSVReader.endsInsideQuotes) == true }) {
                // A split inside a quoted field: read the file in one part.
                counter.withLock { $0 = 0 }
                readers = try data.source.open(reference, parts: 1)
                parts = [accumulate(readers[0], table: table, rows: rows, layout: layout, contactInfo: contactInfo,
                                    skipInvalidRows: skipInvalidRows, reportEvents: reportEvents)]
            }
        }

        // Lines in the file: each part counts from its own start.
        var skipped = SkippedRows()
        var lineOffset = 0
        var eventCount = 0
        var latestEventTime = -Double.infinity
        for part in parts {
            if let error = part.error {
                throw CRMDataError(file: error.file, line: error.line.map { $0 + lineOffset }, column: error.column,
                                   entry: error.entry, message: error.message)
            }
            skipped.merge(part.skipped, lineOffset: lineOffset)
            lineOffset += part.linesRead
            eventCount += part.eventCount
            latestEventTime = max(latestEventTime, part.latestEventTime)
        }
        // Combine the parts' accumulators into the first's.
        var combined = parts[0].rows
        var pairs = parts[0].pairs
        for part in parts.dropFirst() {
            for (index, item) in items.enumerated() {
                if item.kind == .distinct {
                    pairs[index].formUnion(part.pairs[index])
                    continue
                }
                let width = item.kind == .velocity ? 2 : 1
                for row in 0..<rowCount {
                    let base = row * rowWidth + item.slot
                    for k in base..<base + width {
                        switch item.kind {
                        case .lastEvent, .consumed: combined[k] = max(combined[k], part.rows[k])
                        case .firstTouch: combined[k] = min(combined[k], part.rows[k])
                        default: combined[k] += part.rows[k]
                        }
                    }
                }
            }
        }
        return Result(values: finish(combined, pairs, virtualRows: virtualRows, setCount: setCount), skipped: skipped,
                      eventCount: eventCount, latestEventTime: latestEventTime)
    }

    /// Which virtual leads an event of a lead goes to.
    struct Layout: Sendable {
        var setCount: Int
        /// The row of lead `L` of set `s` at `L·setCount + s`, or −1 when it has no cut-off.
        var virtualRows: [Int32]
    }

    /// A reader handed to exactly one thread of `concurrentPerform`, which alone uses it.
    private struct OwnedReader: @unchecked Sendable {
        let reader: CSVReader
    }

    /// What one part of the events file added up to: lines are the part's own.
    struct Part: Sendable {
        var rows: [Double]
        var pairs: [Set<UInt64>]
        var skipped: SkippedRows
        var eventCount: Int
        var latestEventTime: Double
        var linesRead: Int
        /// The first problem met; reading stopped there.
        var error: CRMDataError?
        /// The CSV error behind `error`, if it was one.
        var csvError: CSVError?
    }

    /// Reads one part of the events file into a copy of `rows`.
    private func accumulate(_ reader: CSVReader, table: FeatureSpec.EventsTable, rows initialRows: [Double], layout: Layout,
                            contactInfo: [UInt64], skipInvalidRows: Bool, reportEvents: (Int) -> Void) -> Part {
        let file = reader.name
        func column(_ name: String?, _ entry: String) throws(CRMDataError) -> Int? {
            guard let name else { return nil }
            guard let index = reader.column(named: name) else {
                throw .missingColumn(file: file, column: name, entry: entry, header: reader.header)
            }
            return index
        }
        var state: PartState
        do throws(CRMDataError) {
            state = PartState(
                aggregator: self, table: table, file: file, rows: initialRows, layout: layout, contactInfo: contactInfo,
                skipInvalidRows: skipInvalidRows,
                timeColumn: try column(table.time, "tables.events.time")!,
                typeColumn: try column(table.type, "tables.events.type")!,
                contactColumn: try column(table.contact, "tables.events.contact"),
                leadColumn: try column(table.lead, "tables.events.lead"),
                assetColumn: try column(table.asset, "tables.events.asset"))
        } catch {
            return Part(rows: initialRows, pairs: [], skipped: SkippedRows(), eventCount: 0, latestEventTime: -.infinity,
                        linesRead: reader.linesRead, error: error, csvError: nil)
        }
        var error: CRMDataError?
        var csvError: CSVError?
        do {
            // The closure captures one variable, so each record costs one access to it.
            try reader.forEachRecordView { record in
                try state.add(record)
                if state.eventCount - state.reported >= 100_000 {
                    reportEvents(state.eventCount - state.reported)
                    state.reported = state.eventCount
                }
            }
            try state.flush()
        } catch let thrown as CRMDataError {
            error = thrown
        } catch let thrown as CSVError {
            error = LoadedTable.dataError(thrown, file: file)
            csvError = thrown
        } catch let thrown {
            error = CRMDataError(file: file, message: "\(thrown)")
        }
        reportEvents(state.eventCount - state.reported)
        return Part(rows: state.rows, pairs: state.pairs, skipped: state.skipped, eventCount: state.eventCount,
                    latestEventTime: state.latestEventTime, linesRead: reader.linesRead, error: error, csvError: csvError)
    }

    /// One part's reading state: the accumulators and the batch of events waiting for their ids.
    ///
    /// Events are parsed into a batch, and the batch's ids are looked up and its events added
    /// phase by phase: each phase's independent memory accesses then overlap (see
    /// `ByteStringTable.lookUp`), where one event at a time would wait for each cache miss.
    private struct PartState {
        let aggregator: EventAggregator
        let table: FeatureSpec.EventsTable
        let file: String
        var rows: [Double]
        let layout: Layout
        let contactInfo: [UInt64]
        let skipInvalidRows: Bool
        let timeColumn: Int, typeColumn: Int, contactColumn: Int?, leadColumn: Int?, assetColumn: Int?
        var pairs: [Set<UInt64>]
        var skipped = SkippedRows()
        var eventCount = 0
        var latestEventTime = -Double.infinity
        var reported = 0
        var batch = EventBatch()
        var contactIndices: [Int32] = []
        var leadIndices: [Int32] = []
        /// Virtual lead rows and the batch events to add to them.
        var targets: [(row: Int, event: Int32)] = []

        init(aggregator: EventAggregator, table: FeatureSpec.EventsTable, file: String, rows: [Double], layout: Layout,
             contactInfo: [UInt64], skipInvalidRows: Bool, timeColumn: Int, typeColumn: Int, contactColumn: Int?,
             leadColumn: Int?, assetColumn: Int?) {
            self.aggregator = aggregator
            self.table = table
            self.file = file
            self.rows = rows
            self.layout = layout
            self.contactInfo = contactInfo
            self.skipInvalidRows = skipInvalidRows
            self.timeColumn = timeColumn
            self.typeColumn = typeColumn
            self.contactColumn = contactColumn
            self.leadColumn = leadColumn
            self.assetColumn = assetColumn
            pairs = [Set<UInt64>](repeating: [], count: aggregator.items.count)
            batch.contacts = ByteStringTable.KeyBatch(for: aggregator.data.contactIDs)
            batch.leads = ByteStringTable.KeyBatch(for: aggregator.data.leads.ids)
        }

        /// Parses one event row into the batch, flushing it when full.
        mutating func add(_ record: borrowing CSVRecordView) throws(CRMDataError) {
            eventCount += 1
            guard let time = record.withBytes(at: timeColumn, Timestamp.seconds(from:)) else {
                try flush()  // earlier rows' problems come first
                let shown = record.isMissing(timeColumn) ? "an empty value" : "`\(record[timeColumn])`"
                try reject(record.line, table.time, "tables.events.time", "unreadable timestamp",
                           "\(shown) is not an ISO 8601 timestamp. Write instants like 2025-03-04T14:05:00Z.")
                return
            }
            latestEventTime = max(latestEventTime, time)
            let otherBit = EventAggregator.otherBit
            let typeBit = record.withBytes(at: typeColumn) { aggregator.namedTypes.index(of: $0) } ?? otherBit
            var assetBit = -1
            if let assetColumn, !record.isMissing(assetColumn) {
                assetBit = record.withBytes(at: assetColumn) { aggregator.namedAssets.index(of: $0) } ?? otherBit
            }
            batch.append(line: record.line, time: time, typeBit: typeBit, assetBit: assetBit)
            if let contactColumn, !record.isMissing(contactColumn) {
                record.withBytes(at: contactColumn) { batch.contacts.append($0) }
            } else {
                batch.contacts.appendMissing()
            }
            if let leadColumn, !record.isMissing(leadColumn) {
                record.withBytes(at: leadColumn) { batch.leads.append($0) }
            } else {
                batch.leads.appendMissing()
            }
            if batch.count == EventBatch.capacity { try flush() }
        }

        /// Looks up the batch's ids, reports unknown ones in file order, and adds its events.
        mutating func flush() throws(CRMDataError) {
            defer { batch.removeAll() }
            guard batch.count > 0 else { return }
            let data = aggregator.data
            data.contactIDs.lookUp(batch.contacts, into: &contactIndices)
            data.leads.ids.lookUp(batch.leads, into: &leadIndices)
            targets.removeAll(keepingCapacity: true)
            let contactsByCompany = data.spec.tables.contacts?.company != nil
            for i in 0..<batch.count {
                let line = Int(batch.rows[i].line)
                if !batch.contacts.isMissing(i) && contactIndices[i] < 0 {
                    try reject(line, table.contact!, "tables.events.contact", "event for an unknown contact",
                               "the contact `\(batch.contacts.key(at: i))` is not in the contacts table. "
                                   + "Correct the id, or skip such rows with --skip-invalid-rows.")
                    continue
                }
                if !batch.leads.isMissing(i) && leadIndices[i] < 0 {
                    try reject(line, table.lead!, "tables.events.lead", "event for an unknown lead",
                               "the lead `\(batch.leads.key(at: i))` is not in the leads table. "
                                   + "Correct the id, or skip such rows with --skip-invalid-rows.")
                    continue
                }
                let contact = Int(contactIndices[i])
                if contact >= 0 {
                    let info = contactInfo[contact]
                    batch.rows[i].roleBit = Int8(truncatingIfNeeded: info >> 32)
                    batch.rows[i].contactIndex = Int32(contact)
                    if leadIndices[i] < 0 {
                        let owner = Int32(bitPattern: UInt32(truncatingIfNeeded: info))
                        if owner < 0 { continue }  // a contact skipped as invalid
                        if contactsByCompany {
                            for k in Int(data.companyLeadStarts[Int(owner)])..<Int(data.companyLeadStarts[Int(owner) + 1]) {
                                addTargets(lead: data.companyLeads[k], event: i)
                            }
                        } else {
                            addTargets(lead: owner, event: i)
                        }
                        continue
                    }
                }
                if leadIndices[i] >= 0 {
                    addTargets(lead: leadIndices[i], event: i)
                } else {
                    try reject(line, table.contact ?? table.lead!, "tables.events", "event naming no contact or lead",
                               "the event names neither a contact nor a lead. Fill one in, or skip such rows with --skip-invalid-rows.")
                }
            }
            let rowWidth = aggregator.rowWidth
            let targets = self.targets
            let batch = self.batch
            aggregator.items.withUnsafeBufferPointer { items in
                aggregator.decay.withUnsafeBufferPointer { decay in
                    rows.withUnsafeMutableBufferPointer { rows in
                        // Touch every target lead's row first, then add.
                        var sink = 0.0
                        for target in targets { sink += rows[target.row * rowWidth] }
                        for target in targets {
                            let i = Int(target.event)
                            let row = batch.rows[i]
                            let event = Event(time: row.time, typeBit: Int(row.typeBit), assetBit: Int(row.assetBit),
                                              contact: Int(row.contactIndex), roleBit: Int(row.roleBit))
                            EventAggregator.add(event, row: target.row, items: items, decay: decay, rows: rows,
                                                rowWidth: rowWidth, pairs: &pairs)
                        }
                        if sink.isSignalingNaN { rows[0] = sink }  // keeps the touching loop; never true
                    }
                }
            }
        }

        /// Queues event `event` of the batch for each virtual lead of `lead` with a cut-off.
        @inline(__always)
        mutating func addTargets(lead: Int32, event: Int) {
            let lead = Int(lead)
            let setCount = layout.setCount
            for set in 0..<setCount {
                let row = layout.virtualRows[lead * setCount + set]
                if row >= 0 { targets.append((Int(row), Int32(truncatingIfNeeded: event))) }
            }
        }

        mutating func reject(_ line: Int, _ column: String, _ entry: String, _ reason: String, _ message: String)
            throws(CRMDataError)
        {
            guard skipInvalidRows else {
                throw CRMDataError(file: file, line: line, column: column, entry: entry, message: message)
            }
            skipped.record("\(file): \(reason)", line: line)
        }
    }

    /// Parsed event rows waiting for their ids to be looked up.
    struct EventBatch {
        static let capacity = 512

        /// One parsed row: a single append per event (an array per field cost one append,
        /// with its uniqueness check, per field).
        struct Row {
            var time: Double
            var line: Int32
            /// Filled in when the batch is flushed, as is `roleBit`.
            var contactIndex: Int32 = -1
            var typeBit: Int8
            var assetBit: Int8
            var roleBit: Int8 = -1
        }

        var rows: [Row] = []
        var contacts = ByteStringTable.KeyBatch()
        var leads = ByteStringTable.KeyBatch()

        var count: Int { rows.count }

        mutating func append(line: Int, time: Double, typeBit: Int, assetBit: Int) {
            rows.append(Row(time: time, line: Int32(truncatingIfNeeded: line), typeBit: Int8(typeBit),
                            assetBit: Int8(assetBit)))
        }

        mutating func removeAll() {
            rows.removeAll(keepingCapacity: true)
            contacts.removeAll()
            leads.removeAll()
        }
    }

    /// One event row, parsed.
    struct Event {
        var time: Double
        var typeBit: Int
        /// -1 when the event has no asset.
        var assetBit: Int
        /// -1 when the event names no contact.
        var contact: Int
        var roleBit: Int
    }

    /// Adds one event to every item that takes it, for one virtual lead.
    @inline(__always)
    private static func add(_ event: Event, row: Int, items: UnsafeBufferPointer<Item>, decay: UnsafeBufferPointer<Double>,
                            rows: UnsafeMutableBufferPointer<Double>, rowWidth: Int, pairs: inout [Set<UInt64>])
    {
        let base = row * rowWidth
        let cutoff = rows[base]
        let time = event.time
        guard time < cutoff else { return }  // also false for a NaN cut-off
        let typeMask: UInt64 = 1 << UInt64(event.typeBit)
        let assetMask: UInt64 = event.assetBit < 0 ? 0 : 1 << UInt64(event.assetBit)
        let roleMask: UInt64 = event.roleBit < 0 ? 0 : 1 << UInt64(event.roleBit)
        for index in 0..<items.count {
            let item = items[index]
            if item.typeBits & typeMask == 0 { continue }
            if item.assetBits != .max && item.assetBits & assetMask == 0 { continue }
            if item.needsRole && item.roleBits & roleMask == 0 { continue }
            switch item.windowKind {
            case 1:
                if time < cutoff - item.windowSeconds { continue }
            case 2:
                let anchor = rows[base + item.anchorSlot]
                // A NaN anchor (missing, or not before the cut-off) fails: no event is in the window.
                guard time >= anchor, time < anchor + item.windowSeconds else { continue }
            default:
                break
            }
            let slot = base + item.slot
            switch item.kind {
            case .count:
                rows[slot] += 1
            case .lastEvent:
                rows[slot] = max(rows[slot], time)
            case .decayed:
                let weight = decay[item.decayBase + event.typeBit]
                let inverse = decay[item.decayBase + 64 + event.typeBit]
                rows[slot] += weight * exp2(-(cutoff - time) * inverse)
            case .velocity:
                let age = cutoff - time
                if age <= item.recent {
                    rows[slot] += 1
                } else if age <= item.recent + item.earlier {
                    rows[slot + 1] += 1
                }
            case .distinct:
                if event.contact >= 0 { pairs[index].insert(UInt64(row) << 32 | UInt64(event.contact)) }
            case .consumed:
                rows[slot] = 1
            case .firstTouch:
                rows[slot] = min(rows[slot], time)
            }
        }
    }

    /// Turns the accumulators into raw values: per set, per feature index, one value per lead.
    private func finish(_ rows: [Double], _ pairs: [Set<UInt64>], virtualRows: [Int32], setCount: Int) -> [[Int: [Double]]] {
        var values = [[Int: [Double]]](repeating: [:], count: setCount)
        // Each row's virtual lead, for the pairs, which name rows.
        var virtualLeads: [Int] = []
        if items.contains(where: { $0.kind == .distinct }) {
            virtualLeads = [Int](repeating: 0, count: rows.count / rowWidth)
            for (virtual, row) in virtualRows.enumerated() where row >= 0 { virtualLeads[Int(row)] = virtual }
        }
        for (index, item) in items.enumerated() {
            if item.kind == .distinct {
                var columns = [[Double]](repeating: [Double](repeating: .nan, count: leadCount), count: setCount)
                for virtual in virtualLeads { columns[virtual % setCount][virtual / setCount] = 0 }
                for pair in pairs[index] {
                    let virtual = virtualLeads[Int(pair >> 32)]
                    columns[virtual % setCount][virtual / setCount] += 1
                }
                for set in 0..<setCount { values[set][item.featureIndex] = columns[set] }
                continue
            }
            for set in 0..<setCount {
                var column = [Double](repeating: .nan, count: leadCount)
                for lead in 0..<leadCount {
                    let row = Int(virtualRows[lead * setCount + set])
                    guard row >= 0 else { continue }
                    let base = row * rowWidth
                    let cutoff = rows[base]
                    let value = rows[base + item.slot]
                    switch item.kind {
                    case .count, .decayed, .consumed:
                        column[lead] = value
                    case .lastEvent:
                        column[lead] = value == -.infinity ? .nan : (cutoff - value) / Timestamp.secondsPerDay
                    case .velocity:
                        column[lead] = log((1 + value) / (1 + rows[base + item.slot + 1] * item.recent / item.earlier))
                    case .firstTouch:
                        let from = rows[base + item.anchorSlot]
                        column[lead] = value == .infinity || from.isNaN ? .nan : max(0, (value - from) / 3600)
                    case .distinct:
                        break
                    }
                }
                values[set][item.featureIndex] = column
            }
        }
        return values
    }
}
