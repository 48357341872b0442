package ca

import "os"

// Record is one certificate of a CA's index, with its copy.
type Record struct {
	Entry *Entry
	// File is the copy in newcerts/; "" when the file is missing, which pgcert never
	// leaves behind but a hand-edited or foreign index can.
	File string
}

// List returns the index of the issuing CA in file order, each entry with its
// certificate copy. It takes the lock, so it never sees an issue half done, and
// repairs what an interrupted run left (see state.go).
func (c *CA) List() ([]Record, error) {
	_, unlock, err := c.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []Record
	err = c.scanIndex(func(e *Entry) error {
		r := Record{Entry: e.Clone(), File: c.CertFilePath(e.SerialNumber())}
		if _, err := os.Stat(r.File); err != nil {
			r.File = ""
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
