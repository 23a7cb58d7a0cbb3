// Propensity: the umbrella module. `import Propensity` brings in every library module, as
// swift-numerics' `Numerics` re-exports `RealModule` and `ComplexModule`.
@_exported import Analysis
@_exported import CSVParsing
@_exported import Features
@_exported import Forecasting
@_exported import LinearAlgebra
@_exported import ModelExport
@_exported import Reporting
@_exported import Scoring
@_exported import Training
@_exported import SyntheticCRM
