import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Training

@testable import ModelExport

/// The PMML document's shape; jpmml-evaluator scores it in `ExportEngineTests`.
struct PMMLExportTests {
    /// A model of one numeric input with a missing indicator, and one level of a text input.
    private func formula(calibration: Calibrator?) -> ScoringFormula {
        let value = Formula.choose(.isMissing("x"), .constant(0.5), .input("x"))
        return ScoringFormula(
            inputs: [.init(name: "x", kind: .number, meaning: "a <number> & more"), .init(name: "s", kind: .text, meaning: "a text")],
            derived: [.init(name: "x:value", formula: value)],
            columns: [.init(name: "x", formula: .derived("x:value")),
                      .init(name: "x:missing", formula: .choose(.isMissing("x"), .constant(1), .constant(0))),
                      .init(name: "s=a", formula: .choose(.isMissing("s"), .constant(0),
                                                          .choose(.isOneOf("s", ["a"]), .constant(1), .constant(0))))],
            intercept: -0.25, coefficients: [0.75, 0, -1.5], calibration: calibration)
    }

    private func document(_ calibration: Calibrator?) throws -> Elements {
        try Elements(PMMLExport.document(formula(calibration: calibration), modelName: "m", description: "d",
                                         version: "0.1.0", timestamp: "2026-01-01T00:00:00Z"))
    }

    @Test("a logit RegressionModel with a predictor per non-zero coefficient on derived columns")
    func uncalibrated() throws {
        let xml = try document(nil)
        #expect(xml.first?.name == "PMML" && xml.first?.attributes["version"] == "4.4")
        #expect(xml.first?.attributes["xmlns"] == "http://www.dmg.org/PMML-4_4")
        let model = try #require(xml.named("RegressionModel").first)
        #expect(model["normalizationMethod"] == "logit")
        #expect(model["functionName"] == "classification")
        let fields = xml.named("DataField")
        #expect(fields.map { $0["name"] } == ["x", "s", "won"])
        #expect(fields.first?["displayName"] == "a <number> & more")
        #expect(xml.named("DerivedField").map { $0["name"] } == ["x:value", "column:x", "column:x:missing", "column:s=a"])
        let predictors = xml.named("NumericPredictor")
        #expect(predictors.map { $0["name"] } == ["column:x", "column:s=a"])
        #expect(predictors.map { $0["coefficient"] } == ["0.75", "-1.5"])
        let tables = xml.named("RegressionTable")
        #expect(tables.map { $0["intercept"] } == ["-0.25", "0"])
        #expect(tables.map { $0["targetCategory"] } == ["1", "0"])
        #expect(xml.named("OutputField").map { $0["name"] } == ["probability"])
    }

    @Test("Platt scaling folds into the table: intercept −A·b − B, coefficients −A·β")
    func platt() throws {
        let platt = PlattScaling(a: -2, b: 0.5)
        let xml = try document(.platt(platt))
        #expect(xml.named("RegressionTable").first?["intercept"].flatMap(Double.init) == 2 * -0.25 - 0.5)
        #expect(xml.named("NumericPredictor").compactMap { $0["coefficient"].flatMap(Double.init) } == [1.5, -3])
    }

    @Test("isotonic calibration maps the probability through one LinearNorm per threshold")
    func isotonic() throws {
        let xml = try document(.isotonic(IsotonicCalibration(thresholds: [0.1, 0.4, 0.8], values: [0.05, 0.3, 0.9])))
        #expect(xml.named("OutputField").map { $0["name"] } == ["uncalibrated_probability", "probability"])
        let norms = xml.named("LinearNorm")
        #expect(norms.map { $0["orig"] } == ["0.1", "0.4", "0.8"])
        #expect(norms.map { $0["norm"] } == ["0.05", "0.3", "0.9"])
        let single = try document(.isotonic(IsotonicCalibration(thresholds: [0.2], values: [0.3])))
        #expect(single.named("NormContinuous").isEmpty)
        #expect(single.named("Constant").last?.attributes["dataType"] == "double")
    }
}

/// The elements of an XML document in document order, read by Foundation's `XMLParser`,
/// which also checks that the document is well-formed.
private struct Elements {
    struct Element {
        let name: String
        let attributes: [String: String]
        subscript(_ attribute: String) -> String? { attributes[attribute] }
    }

    let all: [Element]
    var first: Element? { all.first }

    init(_ text: String) throws {
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.propertyListReadCorrupt) }
        all = collector.elements
    }

    func named(_ name: String) -> [Element] { all.filter { $0.name == name } }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            elements.append(Element(name: name, attributes: attributes))
        }
    }
}
