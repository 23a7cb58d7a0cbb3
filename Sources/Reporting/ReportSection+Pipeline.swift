import Features
import Scoring

extension ReportSection {
    /// The open pipeline: a histogram of the scored leads' scores 0–100 coloured by grade with
    /// the grade cut points marked, the leads per grade, and the leads most likely to close
    /// with the factors raising their odds most.
    ///
    /// - Parameters:
    ///   - scored: The open leads, as `CRMScorer.scoreOpenLeads` returns them.
    ///   - topLeads: How many of the most likely leads to list; default 10.
    public static func openPipeline(_ scored: ScoredLeads, topLeads: Int = 10) -> ReportSection {
        let asOf = Timestamp.string(from: scored.asOf)
        var intro = "\(scored.count) open leads scored as of \(asOf), from \(scored.eventCount) events."
        if scored.notYetSQLs > 0 {
            intro += " \(scored.notYetSQLs) open leads whose SQL date is after \(asOf) are left out."
        }
        let skipped = scored.skipped.lines
        var content: [HTML] = [.paragraph(intro)]
        if !skipped.isEmpty {
            content.append(.element("p", [("class", "note")], text: "Skipped rows: " + skipped.joined(separator: "; ")))
        }
        guard scored.count > 0 else {
            content.append(.paragraph("There are no open leads to chart.", class: "note"))
            return ReportSection(id: "pipeline", title: "Open pipeline", content: content)
        }
        let scores = scored.scores
        content.append(scoreHistogram(scores.score, grades: scores.grades).figure(
            caption: "Scores (round(100 × probability)) of the \(scored.count) open leads as of \(asOf), coloured by grade; "
                + "the dashed lines are the grade cut points, the lowest scores at most 10%, 30% and 60% of the training "
                + "leads reach."))

        let grades = scores.grades
        let gradeRows = Grade.allCases.map { grade -> [String] in
            let members = (0..<scores.count).filter { scores.grade($0) == grade }
            let range: String
            switch grade {
            case .a: range = "\(grades.a)–100"
            case .b: range = grades.b < grades.a ? "\(grades.b)–\(grades.a - 1)" : "none"
            case .c: range = grades.c < grades.b ? "\(grades.c)–\(grades.b - 1)" : "none"
            case .d: range = grades.c > 0 ? "0–\(grades.c - 1)" : "none"
            }
            let mean = members.isEmpty ? "–" : percent(members.map { scores.probability[$0] }.reduce(0, +) / Double(members.count))
            return [grade.rawValue, range, "\(members.count)", percent(Double(members.count) / Double(scores.count)), mean]
        }
        content.append(HTMLTable(
            columns: [.init("Grade"), .init("Scores"), .init("Open leads", numeric: true), .init("Share", numeric: true),
                      .init("Mean probability", numeric: true)],
            rows: gradeRows, caption: "Open leads by grade").html)

        let top = (0..<scores.count).sorted { scores.probability[$0] > scores.probability[$1] }.prefix(topLeads)
        let leadRows = top.map { k -> [String] in
            let change = scored.earlierScore[k] < 0 ? "new" : signed(scores.score[k] - scored.earlierScore[k])
            return [scored.leadID(k), percent(scores.probability[k]), "\(percent(scores.low[k]))–\(percent(scores.high[k]))",
                    "\(scores.score[k])", scores.grade(k).rawValue, change,
                    scored.factors(k, raising: true).map(\.text).joined(separator: "; ")]
        }
        content.append(HTMLTable(
            columns: [.init("Lead"), .init("Probability", numeric: true), .init("90% range", numeric: true),
                      .init("Score", numeric: true), .init("Grade"), .init("7-day change", numeric: true),
                      .init("Raising the odds most")],
            rows: leadRows, caption: "The \(top.count) open leads most likely to close").html)
        return ReportSection(id: "pipeline", title: "Open pipeline", content: content)
    }

    /// The histogram of scores 0–100, one bar per score coloured by its grade, the cut points
    /// marked.
    static func scoreHistogram(_ scores: [Int], grades: GradeScale) -> Histogram {
        var counts = [Double](repeating: 0, count: 101)
        for score in scores { counts[min(max(score, 0), 100)] += 1 }
        let color: [Grade: ChartColor] = [.a: .gradeA, .b: .gradeB, .c: .gradeC, .d: .gradeD]
        // Counts are whole numbers: at least 0…5, so small counts do not get fractional ticks.
        let y = ChartAxis(title: "Open leads", scale: NiceScale(covering: counts + [5], includingZero: true))
        var markers: [Histogram.Marker] = []
        for (grade, cut) in [(Grade.a, grades.a), (.b, grades.b), (.c, grades.c)] where cut > 0 && !markers.contains(where: { $0.value == Double(cut) - 0.5 }) {
            markers.append(.init(value: Double(cut) - 0.5, label: "\(grade.rawValue) ≥ \(cut)"))
        }
        let byGrade = Grade.allCases.map { grade in scores.filter { grades.grade(score: $0) == grade }.count }
        return Histogram(
            name: "score-distribution", title: "Scores of the open pipeline",
            summary: "Histogram of \(scores.count) open leads' scores from 0 to 100: "
                + zip(Grade.allCases, byGrade).map { "\($1) graded \($0.rawValue)" }.joined(separator: ", ") + ".",
            x: ChartAxis(title: "Score (close probability in %)", domain: -0.5...100.5, ticks: stride(from: 0.0, through: 100, by: 10).map { $0 }),
            y: y,
            bins: (0...100).map { s in
                let grade = grades.grade(score: s)
                return .init(lower: Double(s) - 0.5, upper: Double(s) + 0.5, count: counts[s], color: color[grade]!,
                             detail: "Score \(s) (grade \(grade.rawValue)): \(Int(counts[s])) leads")
            },
            markers: markers,
            legend: Grade.allCases.map { ("Grade \($0.rawValue)", color[$0]!) })
    }

    /// `+3`, `-2`, `0`.
    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }
}
