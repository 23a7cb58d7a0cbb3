import Foundation
import TestSupport
import Testing
import Training

/// Calibration and lift tables against pandas (`scripts/make_scoring_fixtures.py`), and
/// against tables counted by hand.
struct DecileTablesTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let name: String
            let probabilities: [Double]
            let labels: [Double]
            let calibration: CalibrationTable
            let lift: LiftTable?
        }
        let cases: [Case]
    }

    static let fixture: Fixture = {
        let url = fixturesDirectory.appendingPathComponent("scoring/deciles.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static let caseNames = fixture.cases.map(\.name)

    @Test("Calibration tables match pandas", arguments: caseNames)
    func calibrationMatchesPandas(name: String) throws {
        let f = try #require(Self.fixture.cases.first { $0.name == name })
        let table = try #require(CalibrationTable(probabilities: f.probabilities, labels: f.labels))
        let expected = f.calibration
        #expect(table.groups.map(\.group) == expected.groups.map(\.group))
        #expect(table.groups.map(\.rows) == expected.groups.map(\.rows))
        #expect(table.groups.map(\.wins) == expected.groups.map(\.wins))
        #expect(table.groupCount == expected.groupCount && table.count == expected.count && table.wins == expected.wins)
        #expect(maxRelativeError(table.groups.map(\.meanPredicted), expected.groups.map(\.meanPredicted)) <= 1e-12)
        #expect(maxRelativeError(table.groups.map(\.observedRate), expected.groups.map(\.observedRate)) <= 1e-12)
        #expect(table.groups.map(\.lowestPredicted) == expected.groups.map(\.lowestPredicted))
        #expect(table.groups.map(\.highestPredicted) == expected.groups.map(\.highestPredicted))
        #expect(relativeError(table.expectedCalibrationError, expected.expectedCalibrationError) <= 1e-12)
    }

    @Test("Lift tables match pandas", arguments: caseNames)
    func liftMatchesPandas(name: String) throws {
        let f = try #require(Self.fixture.cases.first { $0.name == name })
        let table = LiftTable(probabilities: f.probabilities, labels: f.labels)
        guard let expected = f.lift else {
            #expect(table == nil, "Without wins the lift is undefined.")
            return
        }
        let lift = try #require(table)
        #expect(lift.deciles.map(\.decile) == expected.deciles.map(\.decile))
        #expect(lift.deciles.map(\.rows) == expected.deciles.map(\.rows))
        #expect(lift.deciles.map(\.wins) == expected.deciles.map(\.wins))
        #expect(lift.deciles.map(\.cumulativeRows) == expected.deciles.map(\.cumulativeRows))
        #expect(lift.deciles.map(\.cumulativeWins) == expected.deciles.map(\.cumulativeWins))
        #expect(lift.groupCount == expected.groupCount && lift.count == expected.count && lift.wins == expected.wins)
        #expect(relativeError(lift.overallRate, expected.overallRate) <= 1e-12)
        for field in [\LiftTable.Decile.winRate, \.lift, \.gain, \.cumulativeLift] {
            #expect(maxRelativeError(lift.deciles.map { $0[keyPath: field] }, expected.deciles.map { $0[keyPath: field] }) <= 1e-12)
        }
        #expect(lift.deciles.map(\.lowestPredicted) == expected.deciles.map(\.lowestPredicted))
        #expect(lift.deciles.map(\.highestPredicted) == expected.deciles.map(\.highestPredicted))
    }

    @Test("The tables do not depend on the order of the rows", arguments: caseNames)
    func orderDoesNotMatter(name: String) throws {
        let f = try #require(Self.fixture.cases.first { $0.name == name })
        var random = SeededGenerator(seed: 7)
        for _ in 0..<3 {
            let permutation = Array(f.probabilities.indices).shuffled(using: &random)
            let p = permutation.map { f.probabilities[$0] }
            let y = permutation.map { f.labels[$0] }
            #expect(CalibrationTable(probabilities: p, labels: y) == CalibrationTable(probabilities: f.probabilities, labels: f.labels))
            #expect(LiftTable(probabilities: p, labels: y) == LiftTable(probabilities: f.probabilities, labels: f.labels))
        }
    }

    @Test("Twenty-five rows counted by hand: sizes 2, 3, 2, 3, …")
    func handCounted() throws {
        // Boundaries ⌊25k/10⌋ = 0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25; probabilities 0.01 … 0.25
        // in reverse order, wins at the top five.
        let p = (1...25).reversed().map { Double($0) / 100 }
        let y = (1...25).reversed().map { $0 > 20 ? 1.0 : 0 }
        let calibration = try #require(CalibrationTable(probabilities: p, labels: y))
        #expect(calibration.groups.map(\.rows) == [2, 3, 2, 3, 2, 3, 2, 3, 2, 3])
        #expect(calibration.groups.map(\.wins) == [0, 0, 0, 0, 0, 0, 0, 0, 2, 3])
        #expect(calibration.groups[0].lowestPredicted == 0.01 && calibration.groups[0].highestPredicted == 0.02)
        #expect(abs(calibration.groups[9].meanPredicted - 0.24) < 1e-15)
        let lift = try #require(LiftTable(probabilities: p, labels: y))
        #expect(lift.deciles.map(\.decile) == Array(1...10))
        #expect(lift.deciles[0].rows == 3 && lift.deciles[0].wins == 3)
        #expect(lift.deciles[0].lift == 5)            // rate 1 against 5/25
        #expect(lift.deciles[1].cumulativeWins == 5 && lift.deciles[1].gain == 1)
        #expect(lift.deciles[1].cumulativeLift == 5)  // 5 of 5 rows won
        #expect(lift.deciles[9].cumulativeLift == 1 && lift.deciles[9].gain == 1)
        #expect(lift.deciles[9].lift == 0)
    }

    @Test("One tied block fills one group; fewer than ten rows give one group per distinct value")
    func tiesAndSmallInputs() throws {
        let allTied = try #require(CalibrationTable(probabilities: Array(repeating: 0.3, count: 50), labels: (0..<50).map { $0 % 5 == 0 ? 1 : 0 }))
        // Midrank 24.5 lies in group 5 (positions 20 ..< 25).
        #expect(allTied.groups.map(\.group) == [5])
        #expect(allTied.groups[0].rows == 50 && allTied.groups[0].wins == 10)
        #expect(abs(allTied.expectedCalibrationError - 0.1) < 1e-15)

        let three = try #require(CalibrationTable(probabilities: [0.9, 0.1, 0.5], labels: [1, 0, 1]))
        #expect(three.groupCount == 3 && three.groups.map(\.group) == [1, 2, 3])
        #expect(three.groups.map(\.wins) == [0, 1, 1])
        #expect(abs(three.expectedCalibrationError - (0.1 + 0.5 + 0.1) / 3) < 1e-15)

        let one = try #require(LiftTable(probabilities: [0.4], labels: [1]))
        #expect(one.deciles.count == 1 && one.deciles[0].lift == 1 && one.deciles[0].gain == 1)
    }

    @Test("Empty input and lift without wins are nil; calibration without wins is not")
    func degenerate() {
        #expect(CalibrationTable(probabilities: [], labels: []) == nil)
        #expect(LiftTable(probabilities: [], labels: []) == nil)
        #expect(LiftTable(probabilities: [0.2, 0.3], labels: [0, 0]) == nil)
        #expect(CalibrationTable(probabilities: [0.2, 0.3], labels: [0, 0])?.expectedCalibrationError == 0.25)
    }

    @Test("The tables survive a JSON round trip")
    func codable() throws {
        let f = Self.fixture.cases[0]
        let lift = try #require(LiftTable(probabilities: f.probabilities, labels: f.labels))
        let calibration = try #require(CalibrationTable(probabilities: f.probabilities, labels: f.labels))
        #expect(try JSONDecoder().decode(LiftTable.self, from: JSONEncoder().encode(lift)) == lift)
        #expect(try JSONDecoder().decode(CalibrationTable.self, from: JSONEncoder().encode(calibration)) == calibration)
    }
}
