import Features
import Foundation
import Scoring
import TestSupport
import Testing

@testable import Training

/// Every `Double` a fit stores, in a fixed order.
private func storedDoubles(_ fit: LogisticRegressionFit) -> [Double] {
    [fit.intercept] + fit.coefficients + fit.covariance + fit.centers + fit.standardDeviations
        + [fit.weightSum, fit.positiveRate, fit.objective, fit.logLikelihood, fit.nullLogLikelihood,
           fit.maxAbsGradient, fit.newtonDecrement, fit.settings.l2, fit.settings.tolerance]
}

/// The error reading `url` throws, or `nil` if it reads.
private func readingError(_ url: URL) -> ModelFileError? {
    do throws(ModelFileError) {
        _ = try ModelFile.read(from: url)
        return nil
    } catch {
        return error
    }
}

/// Writes `model` to a new folder, lets `edit` change its JSON object, and writes that back.
private func editedModelFile(_ model: PropensityModel, _ edit: (inout [String: Any]) -> Void) throws -> URL {
    let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
    var object = try #require(JSONSerialization.jsonObject(with: ModelFile.encode(model)) as? [String: Any])
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: url)
    return url
}

/// Whether the keys of every object in the JSON `text` appear in ascending order.
private func keysAreSorted(_ text: String) -> Bool {
    var stack: [[String]?] = []  // keys of each open object; nil for an array
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        switch c {
        case "{": stack.append([])
        case "[": stack.append(nil)
        case "}":
            guard let keys = stack.removeLast(), keys == keys.sorted(), Set(keys).count == keys.count else { return false }
        case "]": stack.removeLast()
        case "\"":
            var string = ""
            while let s = chars.popFirst(), s != "\"" {
                string.unicodeScalars.append(s == "\\" ? chars.popFirst()! : s)
            }
            if chars.drop(while: { $0 == " " || $0 == "\n" }).first == ":", stack.last! != nil {
                stack[stack.count - 1]!.append(string)
            }
        default: break
        }
    }
    return stack.isEmpty
}

struct ModelFileTests {
    @Test func aWrittenModelReadsBackBitForBit() throws {
        let model = try spectorModel(l2: 1)
        let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
        try ModelFile.write(model, to: url)
        let read = try ModelFile.read(from: url)
        #expect(read == model)
        #expect(storedDoubles(read.fit).map(\.bitPattern) == storedDoubles(model.fit).map(\.bitPattern))
        let metrics = try #require(model.trainingMetrics)
        let readMetrics = try #require(read.trainingMetrics)
        #expect([readMetrics.auc, readMetrics.logLoss, readMetrics.brier].map(\.bitPattern)
                == [metrics.auc, metrics.logLoss, metrics.brier].map(\.bitPattern))
    }

    @Test("A model file written before models could be calibrated reads without a calibration and writes back byte for byte")
    func aFileWithoutCalibrationStillReads() throws {
        let url = repositoryRoot.appendingPathComponent("models/crm.json")
        let model = try ModelFile.read(from: url)
        #expect(model.calibration == nil)
        #expect(ModelFile.encode(model) == (try Data(contentsOf: url)))
        let object = try #require(JSONSerialization.jsonObject(with: ModelFile.encode(model)) as? [String: Any])
        #expect(object["calibration"] == nil)
    }

    @Test("A calibrated model reads back with its calibrator and its tables before and after")
    func aCalibratedModelReadsBack() throws {
        let plain = try spectorModel(l2: 1)
        let eta: [Double] = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5]
        let labels: [Double] = [0, 0, 1, 0, 0, 1, 0, 1, 1, 1]
        for method in Calibrator.Method.allCases {
            let calibration = try ModelCalibration(fitting: method, logOdds: eta, labels: labels)
            let model = PropensityModel(input: plain.input, fit: plain.fit, trainingMetrics: plain.trainingMetrics,
                                        grades: plain.grades, trainingData: plain.trainingData, calibration: calibration)
            let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
            try ModelFile.write(model, to: url)
            let read = try ModelFile.read(from: url)
            #expect(read == model)
            #expect(read.calibration?.calibrator.method == method)
            // Version 3, which a reader that would ignore the calibration refuses; set back to 2
            // by hand, the file is refused here.
            #expect(read.formatVersion == 3 && plain.formatVersion == 2)
            let edited = try editedModelFile(model) { $0["formatVersion"] = 2 }
            #expect(throws: ModelFileError.corrupted(path: edited.path, detail: "a calibration needs format version 3, not 2")) {
                try ModelFile.read(from: edited)
            }
            #expect(keysAreSorted(String(decoding: ModelFile.encode(model), as: UTF8.self)))
        }
    }

    @Test("A model without covariance is format version 4 and reads back; marked 3 by hand, or given the width of a Newton fit, it is refused")
    func aModelWithoutCovariance() throws {
        let model = try spectorModel(l2: 1, hessianFreeWidth: 2)
        #expect(!model.fit.hasCovariance && model.formatVersion == 4)
        let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
        try ModelFile.write(model, to: url)
        #expect(try ModelFile.read(from: url) == model)
        let older = try editedModelFile(model) { $0["formatVersion"] = 3 }
        #expect(readingError(older) == .corrupted(path: older.path, detail: "a fit without covariance needs format version 4, not 3"))
        // Three features are within a width of 3, so the fit should have its covariance.
        let narrow = try editedModelFile(model) { object in
            var fit = object["fit"] as! [String: Any]
            var settings = fit["settings"] as! [String: Any]
            settings["hessianFreeWidth"] = 3
            fit["settings"] = settings
            object["fit"] = fit
        }
        #expect(readingError(narrow) == .corrupted(path: narrow.path,
                                                   detail: "the coefficients, covariance and scaling do not all have 3 features"))
    }

    @Test func awkwardDoublesSurviveAWriteAndRead() throws {
        let encoding = try JSONDecoder().decode(
            FlatTableEncoding.self, from: Data(#"{"columns":[{"numeric":{"name":"a"}},{"numeric":{"name":"b"}}]}"#.utf8))
        let values: [Double] = [
            0.1 + 0.2, 1e-300, -0.0, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 1.0 / 3,
            -123456.789e-20, 0.0,
        ]
        let fit = LogisticRegressionFit(
            featureNames: ["a", "b"], intercept: 0.1 + 0.2, coefficients: [1e-300, -0.0], covariance: values,
            settings: LogisticRegression(l2: 0.1), centers: [5e-324, -0.0], standardDeviations: [1.0 / 3, 1e-300],
            observationCount: 3, weightSum: 2.9999999999999996, positiveRate: 0.1 + 0.2, objective: 1e300,
            logLikelihood: -1e-300, nullLogLikelihood: -0.6931471805599453, iterations: 7, converged: true,
            maxAbsGradient: 5e-324, newtonDecrement: -0.0)
        let model = PropensityModel(
            label: LabelDefinition(column: "won", positive: "yes"), weightColumn: "w", encoding: encoding, fit: fit,
            trainingMetrics: nil, grades: GradeScale(a: 70, b: 40, c: 0),
            trainingData: try DataFingerprint(file: writeFile("a,b,won,w\n"), rows: 3, positives: 1))
        let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
        try ModelFile.write(model, to: url)
        let read = try ModelFile.read(from: url)
        #expect(read == model)
        #expect(read.fit.covariance.map(\.bitPattern) == [
            0x3FD3_3333_3333_3334, 0x01A5_6E1F_C2F8_F359, 0x8000_0000_0000_0000, 0x1, 0x7FEF_FFFF_FFFF_FFFF,
            0x0010_0000_0000_0000, 0x3FD5_5555_5555_5555, (-123456.789e-20).bitPattern, 0,
        ])
        #expect(storedDoubles(read.fit).map(\.bitPattern) == storedDoubles(fit).map(\.bitPattern))
    }

    @Test func theFileIsJSONWithSortedKeys() throws {
        let model = try spectorModel()
        let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
        try ModelFile.write(model, to: url)
        let data = try Data(contentsOf: url)
        #expect(data == ModelFile.encode(model))
        #expect(data.last == 0x0A)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object.keys.sorted() == [
            "fit", "format", "formatVersion", "grades", "input", "packageVersion", "trainedAt", "trainingData",
            "trainingMetrics",
        ])
        #expect(object["format"] as? String == "propensity-model")
        #expect(object["formatVersion"] as? Int == 2)
        #expect(object["packageVersion"] as? String == "0.1.0")
        #expect(keysAreSorted(String(decoding: data, as: UTF8.self)))
        #expect(!keysAreSorted(#"{"b": 1, "a": {"c": [1, 2]}}"#), "The checker itself must see unsorted keys.")
    }

    @Test func aMissingFileIsUnreadable() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
        let error = readingError(url)
        #expect(error == .unreadable(path: url.path, reason: "no such file"))
        #expect(error?.description == "Cannot read the model file \(url.path): no such file. "
            + "Check the path, or train a model with `propensity train --out`.")
    }

    @Test("A file that is not a model's JSON object is not a model",
          arguments: ["{}", "", "not json", "[1, 2]", #"{"format": "scikit-learn", "formatVersion": 1}"#])
    func notAModel(_ text: String) throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
        try Data(text.utf8).write(to: url)
        let error = readingError(url)
        #expect(error == .notAModel(path: url.path))
        #expect(
            error?.description
                == "\(url.path) is not a Propensity model file (no \"format\": \"propensity-model\" in a JSON object). "
                + "Pass a file written by `propensity train --out`.")
    }

    @Test func anotherFormatVersionIsUnsupported() throws {
        let url = try editedModelFile(try spectorModel()) { $0["formatVersion"] = 1 }
        let error = readingError(url)
        #expect(error == .unsupportedVersion(path: url.path, found: 1, supported: 2...4))
        #expect(
            error?.description
                == "\(url.path) is a model of format version 1; this Propensity (0.1.0) reads versions 2 to 4. "
                + "Retrain the model with this version.")
    }

    @Test func aDeletedCoefficientIsCorruption() throws {
        let url = try editedModelFile(try spectorModel()) { object in
            var fit = object["fit"] as! [String: Any]
            fit["coefficients"] = (fit["coefficients"] as! [Any]).dropLast() as [Any]
            object["fit"] = fit
        }
        let error = readingError(url)
        let detail = "the coefficients, covariance and scaling do not all have 3 features"
        #expect(error == .corrupted(path: url.path, detail: detail))
        #expect(
            error?.description
                == "The model file \(url.path) is damaged or was edited by hand: \(detail). Retrain the model or restore the file.")
    }

    @Test func aRenamedFeatureIsCorruption() throws {
        let url = try editedModelFile(try spectorModel()) { object in
            var fit = object["fit"] as! [String: Any]
            fit["featureNames"] = ["GPA", "TUCE", "psi"]
            object["fit"] = fit
        }
        #expect(readingError(url) == .corrupted(
            path: url.path, detail: "the encoding's features do not match the coefficients' features"))
    }

    @Test func gradeCutPointsOutOfOrderAreCorruption() throws {
        let url = try editedModelFile(try spectorModel()) { $0["grades"] = ["a": 20, "b": 40, "c": 10] }
        #expect(readingError(url) == .corrupted(path: url.path, detail: "the grade cut points must satisfy 100 ≥ a ≥ b ≥ c ≥ 0"))
    }

    /// Edits the spec inside the bundled CRM model.
    func editedCRMSpec(_ edit: (inout [[String: Any]]) -> Void) throws -> URL {
        let model = try ModelFile.read(from: repositoryRoot.appendingPathComponent("models/crm.json"))
        return try editedModelFile(model) { object in
            var input = object["input"] as! [String: Any]
            var crm = input["crm"] as! [String: Any]
            var pipeline = crm["_0"] as! [String: Any]
            var spec = pipeline["spec"] as! [String: Any]
            var features = spec["features"] as! [[String: Any]]
            edit(&features)
            spec["features"] = features
            pipeline["spec"] = spec
            crm["_0"] = pipeline
            input["crm"] = crm
            object["input"] = input
        }
    }

    @Test("a CRM model whose spec no longer matches its fitted encodings is damaged, not scored")
    func aSpecEditedAgainstItsEncodingsIsCorruption() throws {
        let removed = try editedCRMSpec { $0.remove(at: 5) }
        #expect(readingError(removed) == .corrupted(
            path: removed.path, detail: "the spec declares 19 features but 20 encodings are fitted"))
        let swapped = try editedCRMSpec { $0.swapAt(0, 1) }
        #expect(readingError(swapped) == .corrupted(
            path: swapped.path, detail: "features[0] (finance_read_justification): its fitted columns are named for another feature"))
        let kind = try editedCRMSpec { $0.swapAt(4, 5) }  // employees (numeric) and source (categorical)
        #expect(readingError(kind) == .corrupted(
            path: kind.path, detail: "features[4] (source): the fitted encoding is not of the kind the spec declares"))
        #expect(readingError(try editedCRMSpec { _ in }) == nil)
    }

    @Test("the bundled model carries its validation's ROC curve; a file written before curves were recorded still reads")
    func rocCurveIsOptional() throws {
        let model = try ModelFile.read(from: repositoryRoot.appendingPathComponent("models/crm.json"))
        let validation = try #require(model.validation)
        let roc = try #require(validation.roc)
        let auc = try #require(validation.metrics?.auc)
        #expect(roc.points.count <= ROCCurve.defaultMaximumPoints)
        #expect(abs(roc.area - auc) <= 1 / Double(ROCCurve.defaultMaximumPoints - 3))
        let url = try editedModelFile(model) { object in
            var validation = object["validation"] as! [String: Any]
            validation["roc"] = nil
            object["validation"] = validation
        }
        let older = try ModelFile.read(from: url)
        #expect(older.validation?.roc == nil)
        #expect(older.validation?.lift == validation.lift && older.fit == model.fit)
        #expect(!String(decoding: ModelFile.encode(older), as: UTF8.self).contains("\"roc\""))
    }

    @Test("a model file cut short, or holding NaN, is damaged, not some other file")
    func invalidJSONIsDamage() throws {
        let text = String(decoding: ModelFile.encode(try spectorModel()), as: UTF8.self)
        let detail = "it is not valid JSON (cut short, or holding a number JSON cannot, such as NaN or 1e999)"
        for broken in [String(text.prefix(text.count / 2)), text.replacing(/"intercept" : [-0-9.e]+/, with: "\"intercept\" : NaN")] {
            let url = try makeTemporaryDirectory().appendingPathComponent("model.json")
            try broken.write(to: url, atomically: true, encoding: .utf8)
            #expect(readingError(url) == .corrupted(path: url.path, detail: detail))
        }
    }

    @Test func aValueTurnedIntoTextIsCorruptionAtItsPath() throws {
        let url = try editedModelFile(try spectorModel()) { object in
            var fit = object["fit"] as! [String: Any]
            var coefficients = fit["coefficients"] as! [Any]
            coefficients[1] = "0.095"
            fit["coefficients"] = coefficients
            object["fit"] = fit
        }
        let error = readingError(url)
        let detail = "fit.coefficients[1]: Expected to decode Double but found a string instead"
        #expect(error == .corrupted(path: url.path, detail: detail))
        #expect(
            error?.description
                == "The model file \(url.path) is damaged or was edited by hand: \(detail). Retrain the model or restore the file.")
    }

    @Test func aDeletedKeyIsCorruptionNamingTheKey() throws {
        let url = try editedModelFile(try spectorModel()) { object in
            var fit = object["fit"] as! [String: Any]
            fit["intercept"] = nil
            object["fit"] = fit
        }
        #expect(readingError(url) == .corrupted(path: url.path, detail: "`intercept` is missing at fit"))
    }

    @Test func writingIntoAMissingFolderFailsAndLeavesNothing() throws {
        let folder = try makeTemporaryDirectory()
        let url = folder.appendingPathComponent("absent/model.json")
        let expected = ModelFileError.cannotWrite(.cannotWrite(path: url.path, reason: "No such file or directory"))
        #expect(throws: expected) { try ModelFile.write(try spectorModel(), to: url) }
        #expect(
            expected.description
                == "Cannot write \(url.path): No such file or directory. "
                + "Nothing was written; check that the folder exists and is writable.")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }

    @Test func aFailedRenameRemovesTheTemporaryFile() throws {
        // The destination is a folder: the temporary file is written, then cannot replace it.
        let folder = try makeTemporaryDirectory()
        let url = folder.appendingPathComponent("model.json")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        #expect(throws: ModelFileError.cannotWrite(.cannotWrite(path: url.path, reason: "Is a directory"))) {
            try ModelFile.write(try spectorModel(), to: url)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path) == [])
    }

    @Test func anExistingFileIsReplaced() throws {
        let folder = try makeTemporaryDirectory()
        let url = folder.appendingPathComponent("model.json")
        try Data("old content that is longer than nothing\n".utf8).write(to: url)
        let first = try spectorModel(l2: 0)
        try ModelFile.write(first, to: url)
        #expect(try Data(contentsOf: url) == ModelFile.encode(first))
        let second = try spectorModel(l2: 1)
        try ModelFile.write(second, to: url)
        #expect(try Data(contentsOf: url) == ModelFile.encode(second))
        #expect(try ModelFile.read(from: url) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.json"])
    }
}
