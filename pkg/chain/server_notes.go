package chain

import (
	"fmt"

	"github.com/pgcert/pgcert/internal/words"
)

// Note is a remark on a server.crt about to be written: a Warning (something a
// person should look at: an expired certificate kept, inputs left out, no root)
// or, when not, information.
type Note struct {
	Warning bool
	Text    string
}

// Notes are the remarks on the file the plan writes, in the order to show them:
// what --allow-expired kept, the inputs left out, then how the chain ends.
func (s *ServerChain) Notes() []Note {
	var out []Note
	path := s.Path
	for _, w := range path.Warnings {
		out = append(out, Note{true, ErrorText(w) + "; written all the same (--allow-expired)"})
	}
	if len(path.Unrelated) > 0 {
		out = append(out, Note{true, fmt.Sprintf("left out %s not on the path of the leaf %s: %s",
			words.Plural(len(path.Unrelated), "certificate", "certificates"), path.Leaf(), ShortList(path.Unrelated))})
	}
	if len(path.Duplicates) > 0 {
		out = append(out, Note{true, DroppedDuplicates(path.Duplicates)})
	}
	switch {
	case path.Missing != nil:
		top := path.Certs[len(path.Certs)-1]
		out = append(out, Note{true, fmt.Sprintf("no root among the inputs: the chain ends with %s, whose issuer %s clients must hold in their root.crt (give the root with --root to check that the chain reaches it)", top, path.Missing.Issuer)})
	case s.RootLeftOut:
		root, _ := path.Root()
		out = append(out, Note{false, fmt.Sprintf("left out the root %s: the leaf is signed by the root itself, so server.crt holds the leaf alone and clients hold the root", root)})
	}
	return out
}
