import Foundation
import Reporting
import Scoring
import TestSupport
import Testing

/// The forest plot of the bundled model, checked against the coefficients and covariance read
/// from the model file's JSON directly.
struct ForestPlotTests {
    @Test("One row per column, the estimate and Wald interval at their pixels, coloured by whether the interval excludes zero")
    func bundledModel() throws {
        let url = repositoryRoot.appending(path: "models/crm.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let fit = json["fit"] as! [String: Any]
        let names = fit["featureNames"] as! [String]
        let beta = (fit["coefficients"] as! [NSNumber]).map(\.doubleValue)
        let covariance = (fit["covariance"] as! [NSNumber]).map(\.doubleValue)
        let d = beta.count
        // The covariance is (d+1)², intercept first: column j's variance is at (j+1, j+1).
        let se = (0..<d).map { covariance[($0 + 1) * (d + 2)].squareRoot() }
        let low = (0..<d).map { beta[$0] - 1.959963984540054 * se[$0] }
        let high = (0..<d).map { beta[$0] + 1.959963984540054 * se[$0] }

        let model = try ModelFile.read(from: url)
        let plot = ForestPlot(coefficients: model.fit.coefficientTable)
        let markup = plot.svg().markup
        let svg = SVGMarkup(markup)
        let dots = svg.all("circle")
        #expect(dots.count == d)
        let expectedColors = (0..<d).map { low[$0] > 0 ? ChartColor.positive.hex : high[$0] < 0 ? ChartColor.negative.hex : ChartColor.muted.hex }
        #expect(dots.map { $0.attributes["fill"]! } == expectedColors)
        #expect(expectedColors.contains(ChartColor.positive.hex) && expectedColors.contains(ChartColor.negative.hex))

        // Pixels from two gridlines: x = x₀ + (value − t₀)·(x₁ − x₀)/(t₁ − t₀).
        let ticks = plot.chart.x.ticks
        let xs = svg.verticalGridX
        #expect(xs.count == ticks.count)
        let pixel = { (value: Double) in xs[0] + (value - ticks[0]) * (xs[1] - xs[0]) / (ticks[1] - ticks[0]) }
        for (k, dot) in dots.enumerated() {
            #expect(abs(dot.number("cx")! - pixel(beta[k])) <= 0.011, "\(names[k])")
        }
        let ranges = svg.all("line").filter { $0.attributes["class"] == "mark" }
        #expect(ranges.count == d)
        for (k, range) in ranges.enumerated() {
            #expect(abs(range.number("x1")! - pixel(low[k])) <= 0.011 && abs(range.number("x2")! - pixel(high[k])) <= 0.011, "\(names[k])")
        }
        // The zero line is at the zero tick, and every interval is inside the axis.
        #expect(ticks.contains(0))
        #expect(ticks.first! <= low.min()! && ticks.last! >= high.max()!)
        #expect(markup.components(separatedBy: ">\(names[0])</text>").count == 2)
    }
}
