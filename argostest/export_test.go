package argostest

// PseudoEmail returns the pseudonym a Recorder (and a Replayer) with opts
// gives an email, for the external tests to compare fixtures with.
func PseudoEmail(email string, opts ...RecordOption) string {
	return newScrubber(newFixtureConfig(opts)).email(email)
}

// PseudoUserID returns the pseudonym a Recorder (and a Replayer) with opts
// gives a user ID.
func PseudoUserID(userID string, opts ...RecordOption) string {
	return newScrubber(newFixtureConfig(opts)).userID(userID)
}
