import ArgumentParser

/// `propensity`: train, inspect and apply propensity-to-close models.
@main
struct PropensityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propensity",
        abstract: "Propensity-to-close models for sales-qualified leads.",
        discussion: """
            Trains logistic regression models on closed-won / closed-lost history with the \
            statistics a data team expects, validates them on the most recently closed leads, and \
            scores the open pipeline: probabilities with ranges, grades, trends and the reasons \
            behind each score. Run `propensity help <command>` for a command's options.
            """,
        version: "0.1.0",
        subcommands: [Train.self, Score.self, Forecast.self, Evaluate.self, Explain.self, Inspect.self, Export.self, Analyze.self,
                      Report.self, Generate.self, TrainDriver.self, PartitionPassCommand.self]
    )
}
