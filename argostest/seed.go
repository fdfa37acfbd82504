package argostest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// AddSubmissions adds n submissions in varied, realistic states, as a
// project that has been running for a year would hold, and returns their
// IDs (from WithSubmissionIDs when given). It is for trying list, export
// and review tools against a populated project: about half approved (some
// with AML "Red Flag" hits whose reports GET /report/aml serves), rejected
// for the documented reasons (too many tries, data mismatch, blacklisted
// country, age limit, expired ID, timeout, a reviewer), pending review,
// incomplete (after Step 1 only, or waiting for a retry since the last
// hours), and a few deleted; several per user ID and per person (the
// approved ones of one person share an applicant_id), created over the year
// before the fake's clock, with attempts, scores and images.
//
// The same n on fakes with the same clock, submission IDs and submissions
// gives the same data. No webhook is sent: the submissions were there
// before. n <= 0 adds nothing. 10,000 take under a tenth of a second.
func (fk *fake) AddSubmissions(n int) []string {
	if n <= 0 {
		return nil
	}
	fk.mu.Lock()
	defer fk.mu.Unlock()
	now := fk.now()
	fk.settle(now)
	// A seeded PRNG: the same fake seeds the same data. Made-up test data,
	// not a secret.
	sd := &seeder{fk: fk, now: now, r: rand.New(rand.NewPCG(uint64(len(fk.subs)), 0x5eed))} //nolint:gosec // see above
	sd.people = make([]seedPerson, max(n/4, 1))
	for i := range sd.people {
		sd.people[i] = sd.person(i)
	}
	ids := make([]string, 0, n)
	for i := range n {
		s := sd.submission(sd.id(i))
		fk.subs[s.id] = s
		fk.watch(s)
		ids = append(ids, s.id)
	}
	return ids
}

// seedPerson is one applicant of the seeded project.
type seedPerson struct {
	name, gender, dob, nationality, email, userID string
}

// seeder makes up the seeded submissions.
type seeder struct {
	fk     *fake
	now    time.Time
	r      *rand.Rand
	people []seedPerson
}

var (
	seedGiven = map[string][]string{
		"male":   {"James", "Min-jun", "Lucas", "Omar", "Wei", "Pierre", "Mateo", "Hiroshi", "Kwame", "Ivan"},
		"female": {"Sofia", "Ji-woo", "Amara", "Maria", "Anna", "Chloe", "Aiko", "Fatima", "Elena", "Priya"},
	}
	seedFamily      = []string{"Kim", "Garcia", "Okafor", "Rossi", "Chen", "Martin", "Novak", "Silva", "Haddad", "Park", "Tanaka", "Smith"}
	seedCountries   = []string{"KOR", "USA", "FRA", "BRA", "NGA", "JPN", "DEU", "IND", "MEX", "PHL"}
	seedIDTypes     = []string{"passport", "government_id", "drivers_license", "residence_permit"}
	seedRejections  = []string{"too_many_retry", "id_info_dataMismatch", "blacklistCountry", "under_ageLimit", "expired_id", "", "other"}
	seedRejectTexts = map[string]string{
		"too_many_retry":       "Multiple invalid KYC attempts",
		"id_info_dataMismatch": "The entered data does not match the ID",
		"blacklistCountry":     "The issuing country is blocked by the project's policy",
		"under_ageLimit":       "The applicant is under the age limit",
		"expired_id":           "The ID has expired",
		"":                     commentTimeout,
		"other":                "The ID photo is blurry",
	}
	seedRisks = []string{"HIGH", "MEDIUM", "LOW"}
)

// person makes up the i-th person: their name, birth date, nationality,
// email and user ID.
func (sd *seeder) person(i int) seedPerson {
	gender := "male"
	if sd.r.IntN(2) == 1 {
		gender = "female"
	}
	given := seedGiven[gender][sd.r.IntN(len(seedGiven[gender]))]
	family := seedFamily[sd.r.IntN(len(seedFamily))]
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, sd.r.IntN(55*365))
	return seedPerson{
		name: given + " " + family, gender: gender, dob: born.Format(time.DateOnly),
		nationality: seedCountries[sd.r.IntN(len(seedCountries))],
		email:       strings.ToLower(strings.ReplaceAll(given, "-", "")+"."+family) + "." + strconv.Itoa(i+1) + "@example.com",
		userID:      fmt.Sprintf("user-%05d", i+1),
	}
}

// id returns the next submission ID: the fake's generator's, or a derived
// one when that repeats itself.
func (sd *seeder) id(i int) string {
	id := sd.fk.cfg.ids()
	for n := 0; id == "" || sd.fk.subs[id] != nil; n++ {
		id = hashID("seed", strconv.Itoa(len(sd.fk.subs)), strconv.Itoa(i), strconv.Itoa(n))
	}
	return id
}

// submission makes up one submission in a random state.
func (sd *seeder) submission(id string) *submission {
	r := sd.r
	p := sd.people[r.IntN(len(sd.people))]
	s := &submission{
		id: id, email: p.email, userID: p.userID, idType: seedIDTypes[r.IntN(len(seedIDTypes))],
		issuingCountry: p.nationality, cf: [3]string{"seed", "", ""}, ip: "203.0.113." + strconv.Itoa(1+r.IntN(254)),
		customOptions: map[string]any{}, step1OK: true, result: resultIncomplete,
		images: map[string]*storedImage{imgID: sampleIDImage()},
	}
	s.ocr = ocrData{Name: p.name, Gender: p.gender, Nationality: p.nationality, BirthDate: p.dob}
	roll := r.IntN(100)
	if roll >= 90 && roll < 95 {
		// Waiting for a retry: started within the last 20 hours.
		s.created = sd.now.Add(-time.Duration(r.Int64N(int64(20 * time.Hour))))
	} else {
		s.created = sd.now.Add(-time.Minute - time.Duration(r.Int64N(int64(365*24*time.Hour))))
	}
	s.created = s.created.Truncate(time.Millisecond)
	s.updated = s.created
	decided := s.created.Add(time.Duration(1+r.IntN(30)) * time.Minute)
	switch {
	case roll < 50:
		sd.tries(s, p, r.IntN(3), true, decided)
		sd.fk.approve(s, decided)
		sd.screen(s)
	case roll < 65:
		sd.reject(s, p, decided)
	case roll < 75:
		sd.tries(s, p, r.IntN(2), true, decided)
		s.result, s.pendingAt = resultPending, decided
	case roll < 90:
		// Step 1 only.
	case roll < 95:
		sd.tries(s, p, 1, false, s.created.Add(time.Minute))
	default:
		sd.tries(s, p, 0, true, decided)
		*s = submission{id: s.id, created: s.created, updated: decided.Add(time.Hour), idType: s.idType,
			result: []string{resultApproved, resultRejected}[r.IntN(2)], deleted: true}
	}
	return s
}

// tries gives s failed Step 2 tries and, when passed, one that passed.
func (sd *seeder) tries(s *submission, p seedPerson, failed int, passed bool, at time.Time) {
	s.name, s.dob, s.gender, s.nationality = p.name, p.dob, p.gender, p.nationality
	s.issueDate = time.Date(2016+sd.r.IntN(8), time.Month(1+sd.r.IntN(12)), 1+sd.r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	s.expiryDate = time.Date(2027+sd.r.IntN(8), time.Month(1+sd.r.IntN(12)), 1+sd.r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	s.documentNumber = fmt.Sprintf("M%08d", sd.r.IntN(100_000_000))
	s.images[imgSelfie] = sampleSelfie()
	for range failed {
		o := []Outcome{OutcomeFaceMismatch, OutcomeLivenessFail, OutcomeNoFace}[sd.r.IntN(3)]
		s.attempts = append(s.attempts, s.newAttempt(o.profile()))
		s.retryCount++
	}
	if passed {
		s.attempts = append(s.attempts, s.newAttempt(OutcomeApprove.profile()))
	}
	s.updated = at
}

// reject rejects s at for one of the documented reasons.
func (sd *seeder) reject(s *submission, p seedPerson, at time.Time) {
	code := seedRejections[sd.r.IntN(len(seedRejections))]
	if code == "" && s.created.Add(abandonTimeout).After(sd.now) {
		code = "id_info_dataMismatch" // too recent to have timed out
	}
	switch code {
	case "too_many_retry":
		sd.tries(s, p, maxTries, false, at)
	case "":
		sd.tries(s, p, 1, false, at) // abandoned: rejected 24 hours after Step 1
		at = s.created.Add(abandonTimeout)
	default:
		sd.tries(s, p, 0, true, at)
	}
	s.reject(at, seedRejectTexts[code], code)
	if code == "" {
		s.commentCode = nil
	}
	if code == "other" {
		s.reviewer = DefaultAdmin
	}
}

// screen gives an approved submission its AML result: now and then a Red
// Flag with reports.
func (sd *seeder) screen(s *submission) {
	if sd.r.IntN(100) >= 15 {
		return
	}
	s.aml = &amlState{status: "Red Flag", risk: seedRisks[sd.r.IntN(len(seedRisks))]}
	for i := range 1 + sd.r.IntN(3) {
		rid := hashID("aml", s.id, strconv.Itoa(i))
		s.aml.resourceIDs = append(s.aml.resourceIDs, rid)
		sd.fk.resources[rid] = s.id
	}
}
