package argos

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// KYCStatus is a submission's KYC result (kyc.result in GET /submission,
// kycStatus in Step 1 and Step 2 answers). The set is open: values the
// constants do not name are kept as sent.
type KYCStatus string

// Documented KYC statuses (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission-response-fields).
const (
	KYCApproved   KYCStatus = "approved"
	KYCRejected   KYCStatus = "rejected"
	KYCPending    KYCStatus = "pending"
	KYCIncomplete KYCStatus = "incomplete"
)

// Final reports whether the status is a decision (approved or rejected).
func (s KYCStatus) Final() bool { return s == KYCApproved || s == KYCRejected }

// documented reports whether s is one of the constants above: server text
// that is not may carry anything (a name, an email) and stays out of error
// strings.
func (s KYCStatus) documented() bool {
	switch s {
	case KYCApproved, KYCRejected, KYCPending, KYCIncomplete:
		return true
	}
	return false
}

// IDType is the kind of identity document (idType). The set is open.
type IDType string

// Documented ID types (https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1).
const (
	IDPassport                       IDType = "passport"
	IDGovernmentID                   IDType = "government_id"
	IDDriversLicense                 IDType = "drivers_license"
	IDResidencePermit                IDType = "residence_permit"
	IDVisa                           IDType = "visa"
	IDVehicleRegistrationCertificate IDType = "vehicle_registration_certificate"
	IDAadhaar                        IDType = "aadhaar"
	IDPancard                        IDType = "pancard"
	IDUniversal                      IDType = "universal"
)

// Gender is an applicant's gender as Argos reports it. The set is open.
type Gender string

// Documented genders.
const (
	GenderMale   Gender = "male"
	GenderFemale Gender = "female"
)

// RequestType selects which part of each submission GET /submission returns
// (request_type). The set is open.
type RequestType string

// Documented request types (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission).
const (
	RequestKYC    RequestType = "kyc"
	RequestAML    RequestType = "aml"
	RequestData   RequestType = "data"
	RequestOthers RequestType = "others"
)

// RetryCode says why a try failed and may be retried (RetryReason.Code,
// WebhookEvent.RetryCode). The set is open: a code the constants do not
// name is kept as sent.
type RetryCode string

// Retry codes the docs and the fake use; Argos documents more than these.
// All but the MRZ and barcode codes come only with the dashboard's "ID CARD:
// Validation" option.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/retry-error-reject-codes
const (
	RetryFaceCompare           RetryCode = "face_compare_underscore" // Step 2: the face does not match the ID
	RetryLivenessFail          RetryCode = "liveness_fail"           // Step 2: the selfie failed the liveness check
	RetryNoFaceDetected        RetryCode = "no_face_detected"        // Step 2: no face in the selfie
	RetryMultipleFacesDetected RetryCode = "multiple_faces_detected" // Step 2: more than one face
	RetryIDVerificationFail    RetryCode = "id_verification_fail"    // Step 1: the ID could not be verified
	RetryMRZProtocolFail       RetryCode = "mrz_protocol_fail"
	RetryBarcodeProtocolFail   RetryCode = "barcode_protocol_fail"
	RetryInvalidBackDocument   RetryCode = "invalid_back_document"
	RetryCountryMismatch       RetryCode = "document_country_mismatch"
	RetryDocumentExpired       RetryCode = "document_expired"
	RetryNameMismatch          RetryCode = "document_name_mismatch"
	RetryBirthDateMismatch     RetryCode = "document_dob_mismatch"
	RetryMissingExpiryDate     RetryCode = "missing_expiry_date"
	RetryMissingIssueDate      RetryCode = "missing_issue_date"
	RetryMissingBirthDate      RetryCode = "missing_birth_date"
	RetryMissingDocumentNumber RetryCode = "missing_document_number"
	RetryMissingPersonalNumber RetryCode = "missing_personal_number"
	RetryMissingName           RetryCode = "missing_name"
	RetryGlareDetected         RetryCode = "glare_detected"
	RetryRecapturedDocument    RetryCode = "recaptured_document"
)

// RejectCode says why a submission was rejected (KYCResult.CommentCode,
// WebhookEvent.CommentCode). The set is open: a code the constants do not
// name is kept as sent.
type RejectCode string

// Reject codes of kyc.commentCode.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/reference_tables/reject-codes-and-comments
const (
	RejectInvalidIDImage      RejectCode = "id_image_invalidImage"
	RejectInvalidID           RejectCode = "id_image_invalidId"
	RejectIDImageError        RejectCode = "id_image_error"
	RejectBadIDImage          RejectCode = "id_image_badImage"
	RejectDataMismatch        RejectCode = "id_info_dataMismatch"
	RejectBlacklist           RejectCode = "id_info_blacklist"
	RejectNotOfAge            RejectCode = "id_info_notOfAge"
	RejectDuplicateUser       RejectCode = "duplicate_user"
	RejectDuplicatedPIIExact  RejectCode = "duplicated_user_PII_exact"
	RejectDuplicatedFace      RejectCode = "duplicated_face"
	RejectTooManyRetry        RejectCode = "too_many_retry"
	RejectBlacklistCountry    RejectCode = "blacklistCountry"
	RejectUnderAgeLimit       RejectCode = "under_ageLimit"
	RejectIDTypeNotAccepted   RejectCode = "invalid_acceptedID"
	RejectNoDateOfBirth       RejectCode = "no-date-of-birth"
	RejectExpiredID           RejectCode = "expired_id"
	RejectAutomaticFailed     RejectCode = "automatic_verification_fail"
	RejectInvalidAddressImage RejectCode = "address_image_invalidImage"
	RejectAddressImageError   RejectCode = "address_image_error"
	RejectBadAddressImage     RejectCode = "address_image_badImage"
	RejectOther               RejectCode = "other"
)

// MaxAttempts is how many tries a submission gets in all, Step 1 retries
// included; at MaxAttempts failed tries Argos rejects it.
const MaxAttempts = 3

// MaxImageSize is the largest image the API accepts (2 MB, https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1).
const MaxImageSize = 2 << 20

// File is an image to upload. Body is streamed, never buffered: the SDK
// reads only its first 8 bytes (to check it is a JPEG or PNG) before the
// request is sent. ContentType "" means detected from those bytes; only JPEG
// and PNG are accepted.
//
// A Body that can seek (an *os.File, *bytes.Reader, *strings.Reader) is
// uploaded from its current offset to its end. Its size is known, so the
// request carries an exact Content-Length and an image over MaxImageSize is
// refused before anything is sent. One that also has ReadAt (those three
// do) is read with it, which leaves the offset where it was, and can be
// sent again (a request that never reached the server is retried, and
// net/http may replay a request on a fresh connection) without the SDK
// keeping a copy. Any other reader is read once, as the request streams.
//
// The SDK does not close Body.
type File struct {
	Name        string
	ContentType string
	Body        io.Reader
}

// dashedMillis is the developers site's placeholder form
// YYYY-MM-DD-HH-MM-SS-ZZZ (ZZZ: milliseconds).
var dashedMillis = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{3})$`)

// ParseTimestamp reads the timestamp forms Argos sends: RFC 3339 (the real
// samples, "2022-04-07T00:30:35.919Z"), "2006-01-02 15:04:05",
// "2006-01-02-15-04-05-000" (the developers site's placeholder format),
// "2006-01-02" and Unix time in milliseconds or seconds.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := dashedMillis.FindStringSubmatch(s); m != nil {
		// Go reads "-000" after the seconds as literal text, not as
		// milliseconds: rewrite the placeholder form as RFC 3339.
		s = m[1] + "T" + m[2] + ":" + m[3] + ":" + m[4] + "." + m[5] + "Z"
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02-15-04-05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e11 {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, errors.New("argos: unrecognised timestamp format")
}
