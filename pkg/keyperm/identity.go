package keyperm

import (
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"

	"github.com/pgcert/pgcert/pkg/hint"
)

// Identity is a Unix user as the kernel sees it when it checks a file's mode bits: a
// user ID, a primary group and the supplementary groups.
type Identity struct {
	Name      string   // login name, used in the commands a Fix prints
	UID       uint32   // user ID
	GID       uint32   // primary group ID
	GroupName string   // name of the primary group, used in the commands a Fix prints
	Groups    []uint32 // supplementary group IDs (the primary one may be repeated here)
}

// InGroup reports whether gid is the identity's primary group or one of its
// supplementary groups.
func (id Identity) InGroup(gid uint32) bool {
	return id.GID == gid || slices.Contains(id.Groups, gid)
}

// owner is how a Fix names the identity in a chown command: user:group by name when
// the names are known, by number otherwise.
func (id Identity) owner() string {
	u := id.Name
	if u == "" {
		u = strconv.FormatUint(uint64(id.UID), 10)
	}
	g := id.GroupName
	if g == "" {
		g = strconv.FormatUint(uint64(id.GID), 10)
	}
	return u + ":" + g
}

// Label is how messages and hints name the identity: its login name, or "uid N"
// for a user without one (a container's numeric user).
func (id Identity) Label() string {
	if id.Name != "" {
		return id.Name
	}
	return "uid " + strconv.FormatUint(uint64(id.UID), 10)
}

// Lookup finds users and groups. SystemLookup reads the system's databases; tests pass
// a fake so that they need neither root nor particular accounts.
type Lookup interface {
	// LookupUser returns the identity of the user with that login name.
	LookupUser(name string) (Identity, error)
	// LookupUID returns the identity of the user with that user ID.
	LookupUID(uid uint32) (Identity, error)
	// GroupName returns the name of the group with that group ID.
	GroupName(gid uint32) (string, error)
}

// SystemLookup is the Lookup of the running system, through os/user. The groups it
// reports are those /etc/group (or NSS) lists for the user; a server started by
// systemd or su gets the same set through initgroups.
type SystemLookup struct{}

// LookupUser returns the identity of the user called name.
func (SystemLookup) LookupUser(name string) (Identity, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return Identity{}, fmt.Errorf("keyperm: %w", err)
	}
	return identityOf(u)
}

// LookupUID returns the identity of the user with ID uid.
func (SystemLookup) LookupUID(uid uint32) (Identity, error) {
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return Identity{}, fmt.Errorf("keyperm: %w", err)
	}
	return identityOf(u)
}

// GroupName returns the name of the group with ID gid.
func (SystemLookup) GroupName(gid uint32) (string, error) {
	g, err := user.LookupGroupId(strconv.FormatUint(uint64(gid), 10))
	if err != nil {
		return "", fmt.Errorf("keyperm: %w", err)
	}
	return g.Name, nil
}

func identityOf(u *user.User) (Identity, error) {
	uid, err := parseID(u.Uid)
	if err != nil {
		return Identity{}, err
	}
	gid, err := parseID(u.Gid)
	if err != nil {
		return Identity{}, err
	}
	id := Identity{Name: u.Username, UID: uid, GID: gid}
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		id.GroupName = g.Name
	}
	gids, err := u.GroupIds()
	if err != nil {
		return Identity{}, fmt.Errorf("keyperm: groups of %s: %w", u.Username, err)
	}
	for _, s := range gids {
		g, err := parseID(s)
		if err != nil {
			return Identity{}, err
		}
		id.Groups = append(id.Groups, g)
	}
	return id, nil
}

func parseID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("keyperm: bad numeric id %q", s)
	}
	return uint32(n), nil
}

// Process returns the identity of the running process (effective IDs and
// supplementary groups), the actor a Fix is planned for.
func Process() Identity {
	id := Identity{UID: uint32(os.Geteuid()), GID: uint32(os.Getegid())}
	if gs, err := os.Getgroups(); err == nil {
		for _, g := range gs {
			id.Groups = append(id.Groups, uint32(g))
		}
	}
	return id
}

// WithGroup is id with gid (named name) as the group a key is given to, its
// primary group kept among its others. id must be in the group: the server
// could not read a key through a group it is not in.
func (id Identity) WithGroup(gid uint32, name string) (Identity, error) {
	if !id.InGroup(gid) {
		return id, hint.Errorf([]string{
			fmt.Sprintf("add %s to the group (usermod -aG %s %s), or choose one of its groups", id.Label(), name, id.Label()),
		}, "%s is not in group %s: the server could not read a key through it", id.Label(), name)
	}
	id.Groups = append(id.Groups, id.GID)
	id.GID, id.GroupName = gid, name
	return id, nil
}
