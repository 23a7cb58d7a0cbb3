import ArgumentParser
@main struct PropensityCommand: ParsableCommand {}
