import Features
import Foundation
import Testing

struct CategoricalEncodingTests {
    @Test func theMostFrequentLevelIsTheReferenceAndTiesGoToTheFirstInOrder() throws {
        // b ×3, a ×1, c ×1: b is the reference although a sorts first.
        let byCount = try CategoricalEncoding(name: "plan", minCount: 1, fitting: ["c", "b", "a", "b", "b"])
        #expect(byCount.reference == "b")
        #expect(byCount.levels == ["a", "c"])
        // b ×2, a ×2, c ×1: a tie, so the reference is a.
        let tied = try CategoricalEncoding(name: "plan", minCount: 1, fitting: ["b", "b", "a", "a", "c"])
        #expect(tied.reference == "a")
        #expect(tied.levels == ["b", "c"])
        #expect(tied.columnNames == ["plan=b", "plan=c"])
        #expect(tied.width == 2)
        #expect(tied.columns("a") == [0, 0])
        #expect(tied.columns("b") == [1, 0])
        #expect(tied.columns("c") == [0, 1])
    }

    @Test func rareLevelsPoolIntoOtherWhichComesLast() throws {
        // a ×5, b ×3, then c, d and a missing value once each: below min count 2.
        let values: [String?] = ["a", "b", "a", "c", "a", "b", nil, "a", "d", "b", "a"]
        let encoding = try CategoricalEncoding(name: "industry", minCount: 2, fitting: values)
        #expect(encoding.reference == "a")
        #expect(encoding.levels == ["b", "other"])
        #expect(encoding.columnNames == ["industry=b", "industry=other"])
        #expect(encoding.columns("a") == [0, 0])
        #expect(encoding.columns("b") == [1, 0])
        #expect(encoding.columns("c") == [0, 1])
        #expect(encoding.columns("d") == [0, 1])
        #expect(encoding.columns(nil) == [0, 1])
        #expect(encoding.columns("never seen") == [0, 1])
    }

    @Test func otherSortsLastWhateverTheLevelsAre() throws {
        let values: [String?] = ["zeta", "zeta", "zulu", "zulu", "zulu", "alpha"]
        let encoding = try CategoricalEncoding(name: "x", minCount: 2, fitting: values)
        #expect(encoding.reference == "zulu")
        #expect(encoding.levels == ["zeta", "other"])
        #expect(encoding.columns("alpha") == [0, 1])
    }

    @Test func withoutOtherAnUnseenLevelIsTheReference() throws {
        let encoding = try CategoricalEncoding(name: "plan", minCount: 1, fitting: ["basic", "pro", "basic"])
        #expect(encoding.levels == ["pro"])
        #expect(encoding.columns("enterprise") == [0])
        // Missing was never seen in training either, so it too is the reference.
        #expect(encoding.columns(nil) == [0])
    }

    @Test func missingIsALevelOfItsOwn() throws {
        let encoding = try CategoricalEncoding(name: "region", minCount: 2, fitting: ["west", nil, "west", nil, "west"])
        #expect(encoding.reference == "west")
        #expect(encoding.levels == ["(missing)"])
        #expect(encoding.columnNames == ["region=(missing)"])
        #expect(encoding.columns(nil) == [1])
        #expect(encoding.columns("west") == [0])
        // The most frequent level can be the missing one.
        let mostlyMissing = try CategoricalEncoding(name: "region", minCount: 1, fitting: [nil, nil, "west"])
        #expect(mostlyMissing.reference == "(missing)")
        #expect(mostlyMissing.columns(nil) == [0])
        #expect(mostlyMissing.columns("west") == [1])
    }

    @Test func aValueSpeltOtherJoinsThePool() throws {
        // `other` ×3 is frequent enough, yet it is the pool and comes last; a (×1) joins it.
        let values: [String?] = ["other", "b", "other", "c", "c", "b", "other", "a", "c"]
        let encoding = try CategoricalEncoding(name: "source", minCount: 2, fitting: values)
        #expect(encoding.reference == "c")
        #expect(encoding.levels == ["b", "other"])
        #expect(encoding.columns("other") == [0, 1])
        #expect(encoding.columns("a") == [0, 1])
    }

    @Test func refusesWhatLeavesNoColumn() throws {
        #expect(throws: FeatureError.invalidMinCount(feature: "plan", minCount: 0)) {
            try CategoricalEncoding(name: "plan", minCount: 0, fitting: ["a", "b"])
        }
        #expect(throws: FeatureError.noTrainingValues(feature: "plan")) {
            try CategoricalEncoding(name: "plan", minCount: 1, fitting: [])
        }
        #expect(throws: FeatureError.singleLevel(feature: "plan", level: "a", minCount: 1)) {
            try CategoricalEncoding(name: "plan", minCount: 1, fitting: ["a", "a"])
        }
        #expect(throws: FeatureError.singleLevel(feature: "plan", level: "other", minCount: 2)) {
            try CategoricalEncoding(name: "plan", minCount: 2, fitting: ["a", "b", "c"])
        }
        // One level and a pool is fine: the pool has a column.
        let twoGroups = try CategoricalEncoding(name: "plan", minCount: 2, fitting: ["a", "a", "b"])
        #expect(twoGroups.levels == ["other"])
    }

    @Test func errorMessagesSayWhatToDo() {
        #expect(FeatureError.invalidMinCount(feature: "plan", minCount: 0).description
            == "Feature `plan` has min_count: 0; it must be at least 1 (the default is 10).")
        #expect(FeatureError.noTrainingValues(feature: "plan").description
            == "Feature `plan` has no training leads to be fitted on. Check that the leads file has closed leads (won or lost).")
        #expect(FeatureError.singleLevel(feature: "plan", level: "other", minCount: 10).description
            == "Feature `plan` has a single level (`other`) among training leads once levels with fewer than 10 leads "
            + "are pooled into `other`, so it has nothing to compare. Lower min_count, or remove the feature from the spec.")
    }

    @Test func roundTripsThroughJSONWithItsLookupTable() throws {
        let values: [String?] = ["a", "b", "a", "c", "a", "b", nil, "a", "d", "b", "a"]
        let encoding = try CategoricalEncoding(name: "industry", minCount: 2, fitting: values)
        let data = try JSONEncoder().encode(encoding)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["name", "minCount", "reference", "levels"])
        let decoded = try JSONDecoder().decode(CategoricalEncoding.self, from: data)
        #expect(decoded == encoding)
        for value: String? in ["a", "b", "c", nil, "unseen"] {
            #expect(decoded.columns(value) == encoding.columns(value))
        }
        let corrupt = Data(#"{"name":"x","minCount":1,"reference":"a","levels":["a","b"]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CategoricalEncoding.self, from: corrupt) }
    }
}

extension CategoricalEncoding {
    /// The columns of `value`.
    func columns(_ value: String?) -> [Double] {
        encodedColumns(width: width) { encode(value, into: &$0, at: $1) }
    }
}
