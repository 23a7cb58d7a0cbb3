import Foundation
import Training

/// Reading and writing model files: JSON, keys sorted, doubles in their shortest exact form.
public enum ModelFile {
    /// Encodes `model` as the bytes of a model file.
    public static func encode(_ model: PropensityModel) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A model holds only finite numbers (the trainer guarantees it), so encoding cannot fail.
        var data = try! encoder.encode(model)
        data.append(0x0A)
        return data
    }

    /// Writes `model` to `url` atomically: a failed write leaves any previous file intact.
    ///
    /// - Throws: `ModelFileError.cannotWrite`.
    public static func write(_ model: PropensityModel, to url: URL) throws(ModelFileError) {
        do {
            try AtomicFile.write(encode(model), to: url)
        } catch {
            throw .cannotWrite(error)
        }
    }

    /// Reads and checks a model file.
    ///
    /// - Throws: `ModelFileError` when the file cannot be read, is not a Propensity model, has
    ///   another format version, or is inconsistent (for example edited by hand).
    public static func read(from url: URL) throws(ModelFileError) -> PropensityModel {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? (error as NSError).localizedDescription : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        return try decode(data, path: path)
    }

    /// Checks and decodes the bytes of a model file, as `read(from:)` does after reading them.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The file's path, for messages.
    /// - Throws: `ModelFileError` when the bytes are not a Propensity model, have another
    ///   format version, or are inconsistent.
    public static func decode(_ data: Data, path: String) throws(ModelFileError) -> PropensityModel {
        struct Header: Decodable {
            let format: String?
            let formatVersion: Int?
        }
        // A model file cut short (a copy interrupted) or edited into invalid JSON still names
        // its format, or opens with the first of its sorted keys, `fit`: it is a damaged
        // model, not some other file.
        let invalidJSON = "it is not valid JSON (cut short, or holding a number JSON cannot, such as NaN or 1e999)"
        let namesItsFormat = data.range(of: Data("\"\(PropensityModel.formatName)\"".utf8)) != nil
            || data.starts(with: Data("{\n  \"fit\" : {".utf8))
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            if namesItsFormat { throw .corrupted(path: path, detail: invalidJSON) }
            throw .notAModel(path: path)
        }
        guard header.format == PropensityModel.formatName else {
            throw .notAModel(path: path)
        }
        guard let version = header.formatVersion else {
            throw .corrupted(path: path, detail: "`formatVersion` is missing")
        }
        guard PropensityModel.readableFormatVersions.contains(version) else {
            throw .unsupportedVersion(path: path, found: version, supported: PropensityModel.readableFormatVersions)
        }
        let model: PropensityModel
        do {
            model = try JSONDecoder().decode(PropensityModel.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw .corrupted(path: path, detail: invalidJSON)
        } catch let error as DecodingError {
            throw .corrupted(path: path, detail: describe(error))
        } catch {
            throw .corrupted(path: path, detail: "\(error)")
        }
        try check(model, path: path)
        return model
    }

    private static func check(_ model: PropensityModel, path: String) throws(ModelFileError) {
        let fit = model.fit
        let d = fit.featureNames.count
        if model.input.featureNames != fit.featureNames {
            throw .corrupted(path: path, detail: "the encoding's features do not match the coefficients' features")
        }
        // A fit above its Hessian-free width (counting the columns it estimated, not those
        // constant in training) has no covariance; every other fit has all of it.
        let covarianceCount = fit.settings.isHessianFree(features: fit.fittedFeatureCount) ? 0 : (d + 1) * (d + 1)
        if fit.coefficients.count != d || fit.covariance.count != covarianceCount
            || fit.centers.count != d || fit.standardDeviations.count != d {
            throw .corrupted(path: path, detail: "the coefficients, covariance and scaling do not all have \(d) features")
        }
        if !fit.hasCovariance && model.formatVersion < 4 {
            throw .corrupted(path: path, detail: "a fit without covariance needs format version 4, not \(model.formatVersion)")
        }
        if model.calibration != nil && model.formatVersion < 3 {
            // Written by hand: Propensity writes a calibrated model as version 3, which readers
            // that would ignore the calibration refuse.
            throw .corrupted(path: path, detail: "a calibration needs format version 3, not \(model.formatVersion)")
        }
        if case .crm(let pipeline) = model.input, let problem = pipeline.inconsistency {
            throw .corrupted(path: path, detail: problem)
        }
        let grades = model.grades
        if !(100 >= grades.a && grades.a >= grades.b && grades.b >= grades.c && grades.c >= 0) {
            throw .corrupted(path: path, detail: "the grade cut points must satisfy 100 ≥ a ≥ b ≥ c ≥ 0")
        }
        if !([fit.intercept] + fit.coefficients + fit.covariance).allSatisfy(\.isFinite) {
            throw .corrupted(path: path, detail: "a coefficient or covariance entry is not a finite number")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "`\(key.stringValue)` is missing at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            // The message ends a sentence of its own; the caller's sentence goes on.
            let reason = context.debugDescription.hasSuffix(".") ? String(context.debugDescription.dropLast()) : context.debugDescription
            return "\(path(context)): \(reason)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Why a model file could not be read or written.
public enum ModelFileError: Error, Equatable, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case notAModel(path: String)
    case unsupportedVersion(path: String, found: Int, supported: ClosedRange<Int>)
    case corrupted(path: String, detail: String)
    case cannotWrite(AtomicFileError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "Cannot read the model file \(path): \(reason). Check the path, or train a model with `propensity train --out`."
        case .notAModel(let path):
            return "\(path) is not a Propensity model file (no \"format\": \"\(PropensityModel.formatName)\" in a JSON object). "
                + "Pass a file written by `propensity train --out`."
        case .unsupportedVersion(let path, let found, let supported):
            return "\(path) is a model of format version \(found); this Propensity (\(PropensityVersion.current)) reads versions "
                + "\(supported.lowerBound) to \(supported.upperBound). Retrain the model with this version."
        case .corrupted(let path, let detail):
            return "The model file \(path) is damaged or was edited by hand: \(detail). Retrain the model or restore the file."
        case .cannotWrite(let error):
            return error.description
        }
    }
}
