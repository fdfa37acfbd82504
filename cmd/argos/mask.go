package main

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kycgo/argos"
)

// deletedName is the placeholder name Argos gives a deleted submission
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission):
// a marker, not personal data, so masking leaves it as it is. It never
// decides whether a submission is deleted: an applicant can type it as a
// name; argos.Submission.Deleted decides.
const deletedName = "Deleted Submission"

// How a column's value is masked when --show-pii is not given.
type piiKind int

const (
	notPII    piiKind = iota
	piiEmail          // a***@example.com
	piiName           // J*** S***
	piiDate           // ****-**-**
	piiSecret         // *** (ID numbers, addresses, phone numbers)
)

// mask returns v masked as kind says. Empty values stay empty, so that a
// masked column still shows which submissions have the data.
func mask(kind piiKind, v string) string {
	if v == "" || kind == notPII {
		return v
	}
	switch kind {
	case piiEmail:
		at := strings.LastIndexByte(v, '@')
		if at <= 0 {
			return "***"
		}
		return firstRune(v) + "***" + v[at:]
	case piiName:
		if v == deletedName {
			return v
		}
		words := strings.Fields(v)
		for i, w := range words {
			words[i] = firstRune(w) + "***"
		}
		return strings.Join(words, " ")
	case piiDate:
		return "****-**-**"
	}
	return "***"
}

// Personal data maskText finds in free text.
var (
	emailInText  = regexp.MustCompile(`[^\s@"'<>()\[\],;:]+@[^\s@"'<>()\[\],;:]+\.[A-Za-z]{2,}`)
	numberInText = regexp.MustCompile(`\d[\d -]{4,}\d`)
)

// maskText masks what can be recognised as personal data in free text, such
// as a server's error message: each email address as an email column is
// masked, each run of six or more digits (an ID, document or phone number;
// spaces and hyphens within it count) as "***". A name in the text cannot
// be told from other words and is left as it is.
func maskText(s string) string {
	s = emailInText.ReplaceAllStringFunc(s, func(e string) string { return mask(piiEmail, e) })
	return numberInText.ReplaceAllStringFunc(s, func(n string) string {
		if len(n)-strings.Count(n, " ")-strings.Count(n, "-") < 6 {
			return n
		}
		return "***"
	})
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// maskSubmission returns a copy of s with the applicant's personal data
// masked: the email, names and birth date as in the table, every other
// personal field of data, ocr and the attempts' verificationParams replaced
// by "***", and the raw objects that may hold more (OCR_raw, review,
// verification, additional_list, the memo) left out. The submission ID,
// user ID, timestamps, statuses, scores, ID type, gender, nationality,
// issuing country and custom fields stay.
func maskSubmission(s *argos.Submission) *argos.Submission {
	m := *s
	m.Email = mask(piiEmail, s.Email)
	d := &m.Data
	for _, p := range []*string{&d.Name, &d.FirstName, &d.LastName, &d.FullName} {
		*p = mask(piiName, *p)
	}
	d.DateOfBirth = mask(piiDate, d.DateOfBirth)
	for _, p := range []*string{
		&d.IPAddress, &d.DateOfIssue, &d.DateOfExpiry, &d.IdentityNumber, &d.DocumentNumber, &d.SSNNumber, &d.PhoneNumber,
		&d.AddressCity, &d.AddressState, &d.AddressStreet, &d.AddressStreet2, &d.AddressZipcode,
		&d.AddressGlobalCode, &d.AddressCompoundCode, &d.AddressFormatted, &d.AddressInput, &d.AddressDetail,
		&d.TypeOfPermit, &d.TypeOfPermitGovKor, &d.ExpiryDateOfStayKor,
		&m.OCR.DateOfBirth, &m.OCR.DateOfExpiry, &m.OCR.FirstName, &m.OCR.LastName, &m.OCR.FullName, &m.OCR.IdentityNumber,
		&m.DuplicatedInformation,
	} {
		*p = mask(piiSecret, *p)
	}
	if len(s.KYC.Attempts) > 0 {
		m.KYC.Attempts = make([]argos.Attempt, len(s.KYC.Attempts))
		for i, at := range s.KYC.Attempts {
			vp := &at.VerificationParams
			vp.FullName = mask(piiName, vp.FullName)
			vp.DateOfIssue = mask(piiSecret, vp.DateOfIssue)
			vp.IdentityNumber = mask(piiSecret, vp.IdentityNumber)
			m.KYC.Attempts[i] = at
		}
	}
	m.OCRRaw, m.Review, m.Verification, m.AdditionalList, m.Memo = nil, nil, nil, nil, nil
	return &m
}
