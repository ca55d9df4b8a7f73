"""Coverage: which satellites each place sees, reduced into the figures of merit of coverage analysis."""
