package argostest

import (
	"slices"
	"strings"
	"time"
)

// Policy is the fake project's verification policies, which a real project
// sets in its dashboard. A liveform link (or Step 1's customOptions) can turn
// each one off for its submission: blacklistCountries=false,
// ageLimit=false, approvePeriod=false, rejectPeriod=false; and
// rejectDuplicateUser=true or false turns duplicate-user prevention on or
// off whatever RejectDuplicateUser says.
//
// The policies are checked when a try passes verification (Step 2, or the
// selfie of Liveform): a submission that breaks one is rejected with the
// documented reject code instead of being approved or held for review.
// Whatever the Policy, the fake's project refuses a second submission for
// an email that is already approved (the approve period, forever): Step 1
// answers 400 with the documented message, and a liveform submission is
// rejected with "duplicate_user".
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide
// and https://developers.argosidentity.com/en/idcheck/reference_tables/reject-codes-and-comments
type Policy struct {
	// BlacklistCountries are issuing countries (ISO 3166-1 alpha-3) the
	// project refuses: commentCode "blacklistCountry".
	BlacklistCountries []string
	// AgeLimit is the youngest age accepted, in years, from the confirmed
	// date of birth; 0 accepts every age. Younger: commentCode
	// "under_ageLimit".
	AgeLimit int
	// RejectPeriod is how long a rejected submission blocks a new one with
	// the same email; 0 never. Blocked: commentCode "duplicate_user".
	RejectPeriod time.Duration
	// RejectDuplicateUser rejects a submission of a person (same name, date
	// of birth, gender and nationality) who already has an approved one:
	// commentCode "duplicate_user".
	RejectDuplicateUser bool
}

// WithPolicy sets the fake project's verification policies (see Policy).
// Without it the project has no blacklist, no age limit, no reject period
// and no duplicate-user prevention.
func WithPolicy(p Policy) ServerOption {
	return func(c *config) {
		p.BlacklistCountries = slices.Clone(p.BlacklistCountries)
		c.policy = p
	}
}

// Comments and reject codes of the policies
// (https://developers.argosidentity.com/en/idcheck/reference_tables/reject-codes-and-comments).
const (
	codeBlacklist = "blacklistCountry"
	codeUnderAge  = "under_ageLimit"
	codeDuplicate = "duplicate_user"
)

// policyRejection returns the comment and reject code of the first policy s
// breaks at now, or "" and "". Caller holds fk.mu.
func (fk *fake) policyRejection(s *submission, now time.Time) (comment, code string) {
	p := &fk.cfg.policy
	on := func(name string) bool { return s.customOptions[name] != false }
	switch {
	case on("blacklistCountries") && slices.ContainsFunc(p.BlacklistCountries, func(c string) bool {
		return strings.EqualFold(c, s.issuingCountry)
	}):
		return "The issuing country is blocked by the project's policy", codeBlacklist
	case on("ageLimit") && p.AgeLimit > 0 && underAge(s.renderDOB(), p.AgeLimit, now):
		return "The applicant is under the age limit", codeUnderAge
	case on("approvePeriod") && fk.approvedEmail(s.email, s):
		return "Another submission with this email is already approved", codeDuplicate
	case on("rejectPeriod") && p.RejectPeriod > 0 && fk.rejectedEmail(s.email, s, now.Add(-p.RejectPeriod)):
		return "Another submission with this email was rejected within the reject period", codeDuplicate
	case fk.duplicateUserCheck(s) && fk.approvedPerson(s):
		return "The applicant already has an approved submission", codeDuplicate
	}
	return "", ""
}

// duplicateUserCheck reports whether duplicate-user prevention applies to
// s: the project's setting, unless its options say true or false.
func (fk *fake) duplicateUserCheck(s *submission) bool {
	if v, ok := s.customOptions["rejectDuplicateUser"].(bool); ok {
		return v
	}
	return fk.cfg.policy.RejectDuplicateUser
}

// underAge reports whether someone born on dob (YYYY-MM-DD) is younger than
// limit years at now; an unreadable date is not under age.
func underAge(dob string, limit int, now time.Time) bool {
	born, err := time.Parse(time.DateOnly, dob)
	if err != nil {
		return false
	}
	return now.Before(born.AddDate(limit, 0, 0))
}

// approvedEmail reports whether another live submission with that email is
// approved. Caller holds fk.mu.
func (fk *fake) approvedEmail(email string, except *submission) bool {
	for _, s := range fk.subs {
		if s != except && !s.deleted && s.result == resultApproved && strings.EqualFold(s.email, email) {
			return true
		}
	}
	return false
}

// rejectedEmail reports whether another live submission with that email
// was rejected at or after since. Caller holds fk.mu.
func (fk *fake) rejectedEmail(email string, except *submission, since time.Time) bool {
	for _, s := range fk.subs {
		if s != except && !s.deleted && s.result == resultRejected && strings.EqualFold(s.email, email) &&
			!s.resultAt.Before(since) {
			return true
		}
	}
	return false
}

// approvedPerson reports whether another live submission of the same
// person (the duplicated_information of name, birth date, gender and
// nationality) is approved. Caller holds fk.mu.
func (fk *fake) approvedPerson(s *submission) bool {
	dup := duplicatedInformation(s.fullName(), s.renderDOB(), s.renderGender(), s.renderNationality())
	if dup == "" {
		return false
	}
	for _, o := range fk.subs {
		if o != s && !o.deleted && o.result == resultApproved && o.dupInfo == dup {
			return true
		}
	}
	return false
}
