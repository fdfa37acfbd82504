package argostest

import (
	"strconv"

	"github.com/kycgo/argos"
)

// A Step1Outcome is what the fake's "reading" of an ID image concludes for
// one Step 1 try. Queue outcomes with ScriptStep1; without a script every ID
// is read (Step1Read).
//
// The failures are the documented Step 1 retry codes: the ID could not be
// read (no MRZ or barcode, a field not detected, glare), it is the wrong
// document (front and back differ) or it has expired. A failed try answers
// 200 with the code in retry[], kycStatus "incomplete" and the submissionId
// to retry with, and adds one to the submission's retryCount, which Step 2
// tries share: the try that makes it 3 rejects the submission with
// commentCode "too_many_retry". Once a Step 1 try has read the ID, Step 1
// cannot be retried for that submission.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/retry-error-reject-codes
// and https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1/step-1-retry
type Step1Outcome int

// The outcomes of a Step 1 try. The retry messages are the documented ones.
const (
	// Step1Read reads the ID: the answer carries reviewOCRData.
	Step1Read Step1Outcome = iota
	// Step1NoMRZ: "mrz_protocol_fail", "Failed to detect full MRZ".
	Step1NoMRZ
	// Step1NoBarcode: "barcode_protocol_fail", "Failed to read PDF417
	// Barcode".
	Step1NoBarcode
	// Step1Glare: "glare_detected", "Please retake ID image without light
	// smudging".
	Step1Glare
	// Step1MissingName: "missing_name", "Name not detected. Please take clear
	// picture".
	Step1MissingName
	// Step1MissingBirthDate: "missing_birth_date".
	Step1MissingBirthDate
	// Step1MissingIssueDate: "missing_issue_date".
	Step1MissingIssueDate
	// Step1MissingExpiryDate: "missing_expiry_date".
	Step1MissingExpiryDate
	// Step1MissingDocumentNumber: "missing_document_number".
	Step1MissingDocumentNumber
	// Step1MissingPersonalNumber: "missing_personal_number".
	Step1MissingPersonalNumber
	// Step1BackMismatch (the wrong document): "invalid_back_document",
	// "Front and back side image mismatch. Please retry with one ID".
	Step1BackMismatch
	// Step1CountryMismatch: "document_country_mismatch".
	Step1CountryMismatch
	// Step1NameMismatch: "document_name_mismatch".
	Step1NameMismatch
	// Step1BirthDateMismatch: "document_dob_mismatch".
	Step1BirthDateMismatch
	// Step1Expired: "document_expired", "Your ID is expired already. Please
	// retry with valid ID".
	Step1Expired
)

// step1Failure is a failed Step 1 try's code and message.
type step1Failure struct {
	name string          // the constant's name
	code argos.RetryCode // retryCode
	msg  string          // retryMsg, as documented
}

// step1Failures are the failures, indexed by Step1Outcome; index 0 is the
// read.
var step1Failures = [...]step1Failure{
	{"Step1Read", "", ""},
	{"Step1NoMRZ", argos.RetryMRZProtocolFail, "Failed to detect full MRZ"},
	{"Step1NoBarcode", argos.RetryBarcodeProtocolFail, "Failed to read PDF417 Barcode"},
	{"Step1Glare", argos.RetryGlareDetected, "Please retake ID image without light smudging"},
	{"Step1MissingName", argos.RetryMissingName, "Name not detected. Please take clear picture"},
	{"Step1MissingBirthDate", argos.RetryMissingBirthDate, "Birth date not detected. Please take clear picture"},
	{"Step1MissingIssueDate", argos.RetryMissingIssueDate, "Issue date not detected. Please take clear picture"},
	{"Step1MissingExpiryDate", argos.RetryMissingExpiryDate, "Expiry date not detected. Please take clear picture"},
	{"Step1MissingDocumentNumber", argos.RetryMissingDocumentNumber, "Document number not detected. Please take clear picture"},
	{"Step1MissingPersonalNumber", argos.RetryMissingPersonalNumber, "Identity number not detected. Please take clear picture"},
	{"Step1BackMismatch", argos.RetryInvalidBackDocument, "Front and back side image mismatch. Please retry with one ID"},
	{"Step1CountryMismatch", argos.RetryCountryMismatch, "Front and back side image mismatch. Please retry with one ID"},
	{"Step1NameMismatch", argos.RetryNameMismatch, "Front and back side name mismatch. Please retry with one ID"},
	{"Step1BirthDateMismatch", argos.RetryBirthDateMismatch, "Front and back side birthdate mismatch. Please retry with one ID"},
	{"Step1Expired", argos.RetryDocumentExpired, "Your ID is expired already. Please retry with valid ID"},
}

// String returns the constant's name, e.g. "Step1Glare".
func (o Step1Outcome) String() string {
	if o >= 0 && int(o) < len(step1Failures) {
		return step1Failures[o].name
	}
	return "Step1Outcome(" + strconv.Itoa(int(o)) + ")"
}

// failure is the failure o stands for; ok is false for Step1Read and for a
// value that is not one of the constants (which reads the ID).
func (o Step1Outcome) failure() (f step1Failure, ok bool) {
	if o <= 0 || int(o) >= len(step1Failures) {
		return step1Failure{}, false
	}
	return step1Failures[o], true
}

// ScriptStep1 queues outcomes for the next Step 1 tries, first in first
// out, one per try that passes validation: POST /submission/step1 and the
// ID capture of Liveform alike. When the queue is empty the ID is read.
func (fk *fake) ScriptStep1(outcomes ...Step1Outcome) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.step1Script = append(fk.step1Script, outcomes...)
}

// nextStep1 takes the outcome of the next Step 1 try. Caller holds fk.mu.
func (fk *fake) nextStep1() Step1Outcome {
	if len(fk.step1Script) == 0 {
		return Step1Read
	}
	o := fk.step1Script[0]
	fk.step1Script = fk.step1Script[1:]
	return o
}
