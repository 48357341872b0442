package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/inspect"
)

// crlEntriesMark stands for a CRL's entries while the rest of its object is
// marshalled. JSON escapes the NUL bytes, so the marshalled mark is a string no
// field of a CRL can hold: issuers are printed with control characters escaped,
// and the other fields are numbers, times and hex.
const crlEntriesMark = "\x00entries\x00"

// crlJSON is a CRL as `pgcert show --json` writes it: the description, then its
// entries.
type crlJSON struct {
	*inspect.CRL
	Entries string `json:"entries"`
}

// objectJSON is an object with its CRL, if any, replaced by crlJSON.
type objectJSON struct {
	*inspect.Object
	CRL *crlJSON `json:"crl,omitempty"`
}

// writeShowJSON writes {"files": [...]} as writeJSON would (two-space indents), but
// streams each CRL's entries from the CRL itself, so that a CRL of a million
// entries is shown without a million structs in memory.
func writeShowJSON(out io.Writer, files []shownFile) error {
	w := bufio.NewWriterSize(out, 64<<10)
	w.WriteString("{\n  \"files\": [")
	for i, file := range files {
		if i > 0 {
			w.WriteString(",")
		}
		path, err := json.Marshal(file.Path)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n    {\n      \"path\": %s,", path)
		if file.PathB64 != "" {
			fmt.Fprintf(w, "\n      \"path_b64\": %q,", file.PathB64)
		}
		w.WriteString("\n      \"objects\": [")
		for j, o := range file.Objects {
			if j > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n        ")
			if err := writeObjectJSON(w, o, "        "); err != nil {
				return err
			}
		}
		w.WriteString("\n      ]\n    }")
	}
	w.WriteString("\n  ]\n}\n")
	return w.Flush()
}

func writeObjectJSON(w *bufio.Writer, o *inspect.Object, indent string) error {
	v := objectJSON{Object: o}
	if o.CRL != nil {
		v.CRL = &crlJSON{CRL: o.CRL, Entries: crlEntriesMark}
	}
	data, err := json.MarshalIndent(v, indent, "  ")
	if err != nil {
		return err
	}
	if o.CRL == nil {
		_, err := w.Write(data)
		return err
	}
	mark, _ := json.Marshal(crlEntriesMark)
	at := bytes.LastIndex(data, mark)
	if at < 0 {
		return fmt.Errorf("internal error: CRL entries mark not found")
	}
	// The entries' key sits two levels below the object: its own indentation, and
	// its elements' one more.
	entryIndent := indent + "      "
	w.Write(data[:at])
	w.WriteString("[")
	n := 0
	err = o.CRL.ScanEntries(func(e inspect.CRLEntry) error {
		if n > 0 {
			w.WriteString(",")
		}
		n++
		b, err := json.MarshalIndent(e, entryIndent, "  ")
		if err != nil {
			return err
		}
		w.WriteString("\n" + entryIndent)
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		w.WriteString("\n" + indent + "    ")
	}
	w.WriteString("]")
	_, err = w.Write(data[at+len(mark):])
	return err
}
