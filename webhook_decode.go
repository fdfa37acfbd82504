package argos

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/kycgo/argos/internal/lenient"
)

// jsonObject is one JSON object of a webhook body, its members in the order
// sent, read by their exact names. encoding/json would match names in any
// letter case and keep the last of repeated ones, so that
// {"webhook_trigger":"approved","WEBHOOK_TRIGGER":"delete"} would read as
// "delete" while a log or any other parser sees "approved".
type jsonObject struct {
	path   string // the object's place in the body ("" at the top, "kyc_result.")
	names  []string
	values []json.RawMessage
	// repeated is shared by the objects of one body: the first field read
	// that its object holds more than once, in any letter case.
	repeated *string
}

// readObject reads b as a JSON object. It returns an object without members
// when b is not one (absent, null, another type): a value of an unexpected
// type is skipped. b must be valid JSON.
func readObject(b json.RawMessage, path string, repeated *string) jsonObject {
	o := jsonObject{path: path, repeated: repeated}
	if firstByte(b) != '{' {
		return o
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return o
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return jsonObject{path: path, repeated: repeated}
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return jsonObject{path: path, repeated: repeated}
		}
		name, _ := t.(string)
		o.names, o.values = append(o.names, name), append(o.values, v)
	}
	return o
}

// value returns the value of the member named exactly name, or nil. A
// member whose name equals name in any letter case (strings.EqualFold, the
// rule encoding/json matches names by) counts as a repetition.
func (o jsonObject) value(name string) json.RawMessage {
	var v json.RawMessage
	n := 0
	for i, k := range o.names {
		if !strings.EqualFold(k, name) {
			continue
		}
		if n++; n > 1 && *o.repeated == "" {
			*o.repeated = o.path + name
		}
		if k == name {
			v = o.values[i]
		}
	}
	return v
}

// object returns the member named name as an object (without members when it
// is not one).
func (o jsonObject) object(name string) jsonObject {
	return readObject(o.value(name), o.path+name+".", o.repeated)
}

// str returns the member as text (see lenient.String).
func (o jsonObject) str(name string) string {
	var s lenient.String
	_ = s.UnmarshalJSON(o.value(name)) // never fails
	return string(s)
}

// strs returns the member as a list of text (see lenient.Strings).
func (o jsonObject) strs(name string) []string {
	var l lenient.Strings
	_ = l.UnmarshalJSON(o.value(name)) // never fails
	return l
}

// num returns the member as an integer (see lenient.Int).
func (o jsonObject) num(name string) int {
	var n lenient.Int
	_ = n.UnmarshalJSON(o.value(name)) // never fails
	return n.V
}

// webhookBody is a parsed webhook body.
type webhookBody struct {
	event *WebhookEvent
	// ciphertext is the Base64 text of an encrypted body ({"data": "…"}
	// without a webhook_trigger); "" otherwise.
	ciphertext string
	// encrypted reports a body of that shape.
	encrypted bool
	// idIsString reports that submission_id was sent as a JSON string: only
	// then is SubmissionID the sender's ID exactly, fit to be confirmed.
	idIsString bool
}

// decodeWebhook reads body, a JSON object, by the webhook's field names. It
// refuses a body that holds one of the fields it reads more than once, in
// any letter case.
//
//nolint:misspell // "imcomplete" is the vendor's spelling
func decodeWebhook(body []byte) (*webhookBody, error) {
	if !json.Valid(body) {
		return nil, &invalidWebhook{reason: "the body is not JSON"}
	}
	if firstByte(body) != '{' {
		return nil, &invalidWebhook{reason: "the body is not a JSON object"}
	}
	var repeated string
	top := readObject(body, "", &repeated)
	kycRaw := top.value("kyc_result")
	kyc := top.object("kyc_result")
	data := top.object("data") // the "updated" event's data
	cf := top.object("cf")
	aml := top.object("aml_result")

	status := kyc.str("status")
	if firstByte(kycRaw) == '"' { // kyc_result as a bare status, tolerated
		var s lenient.String
		_ = s.UnmarshalJSON(kycRaw)
		status = string(s)
	}
	status = firstNonEmpty(status, data.str("kyc_result"))
	if status == "imcomplete" { // the created page's spelling
		status = string(KYCIncomplete)
	}
	e := &WebhookEvent{
		Trigger: WebhookTrigger(top.str("webhook_trigger")), SubmissionID: top.str("submission_id"),
		Email: top.str("email"), UserID: top.str("userid"), TokenID: top.str("tokenId"),
		ApplicantID: top.str("applicant_id"), Status: KYCStatus(status),
		CF1: cf.str("cf1"), CF2: cf.str("cf2"), CF3: cf.str("cf3"),

		UpdatedAt: firstNonEmpty(kyc.str("updated_at"), kyc.str("update_at")), CreatedAt: kyc.str("created_at"),
		KYCResultAt: kyc.str("kyc_result_at"), PendingAt: firstNonEmpty(kyc.str("pending_at"), data.str("pending_at")),
		Reviewer: firstNonEmpty(kyc.str("reviewer"), data.str("reviewer")), CommentCode: typedStrings[RejectCode](kyc.strs("commentCode")),

		RetryCode: RetryCode(top.str("retryCode")), Attempts: top.num("attempts"), IPAddress: top.str("ipAddress"),

		AgeGroup: top.str("age_group"), Gender: Gender(top.str("gender")), DateOfBirth: top.str("date_of_birth"),
		Nationality: top.str("nationality"), FullName: firstNonEmpty(top.str("fullName"), top.str("full_name")),
		FullNameEN: top.str("full_name_en"), FirstName: top.str("first_name"), LastName: top.str("last_name"),
		IDType: IDType(top.str("idType")), IssuingCountry: top.str("issuingCountry"), DateOfIssue: top.str("issueDate"),
		DateOfExpiry: top.str("expireDate"), IdentityNumber: top.str("identityNumber"),
		DocumentNumber: top.str("documentNumber"), DuplicatedInformation: top.str("duplicated_information"),

		AMLStatus: aml.str("currentstatus"), AMLRiskLevel: aml.str("risk_level_summary"),
		AMLRecords: webhookRecords(top),

		UpdatedFields: data.strs("update"), Admin: top.str("admin"), UpdateTime: top.str("update_time"),
		AccountEmail: top.str("account_email"), DeleteTime: top.str("delete_time"),
		ExpiredCondition: top.str("expired_condition"),
	}
	e.Comment = kyc.strs("comment")
	if e.Comment == nil {
		e.Comment = top.strs("comment")
	}
	if list := top.value("additional_list"); len(list) > 0 && string(list) != "null" {
		e.AdditionalList = list
	}
	dataRaw := top.value("data")
	w := &webhookBody{
		event:      e,
		encrypted:  e.Trigger == "" && firstByte(dataRaw) == '"',
		idIsString: firstByte(top.value("submission_id")) == '"',
	}
	if w.encrypted {
		_ = json.Unmarshal(dataRaw, &w.ciphertext) // cannot fail: a valid JSON string
	}
	if repeated != "" {
		return nil, &invalidWebhook{reason: "the body holds " + repeated + " more than once (in some letter case)"}
	}
	return w, nil
}

// webhookRecords reads an aml_monitor event's records. A value that is not
// an array is no records; an element that is not an object is an empty
// record.
func webhookRecords(top jsonObject) []WebhookAMLRecord {
	raw := top.value("records")
	var elems []json.RawMessage
	if firstByte(raw) != '[' || json.Unmarshal(raw, &elems) != nil {
		return nil
	}
	records := make([]WebhookAMLRecord, len(elems))
	for i, el := range elems {
		r := readObject(el, "records[].", top.repeated)
		records[i] = WebhookAMLRecord{RecordID: r.str("recordId"), WorklistID: r.str("worklistId"), CreatedAt: r.str("created_at")}
	}
	return records
}
