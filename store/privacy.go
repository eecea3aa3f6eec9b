package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"zhiban/secret"
)

// Petitioners' phones (and later the desk's ID numbers) are sealed with
// secret's AES-GCM: written sealed, opened in queryCases, searched through
// the blind index (casesearch.go). Copies and backups carry sealed values as
// they are, so a copy needs the same key.

// PrivacyKeys resolves the keys that seal personal data: ZHIBAN_PRIVACY_KEY
// (from getenv) first, so it seals, then the configured keys, which still
// open what they sealed. With none, a SQLite database gets a key file beside
// it (path + ".key", mode 0600), made on first start: keyFile names it when
// it was just made, for the caller to say it must be backed up. PostgreSQL
// refuses: replicas must share one configured key.
func PrivacyKeys(path string, configured []secret.Key, getenv func(string) string) (ring *secret.Keyring, keyFile string, err error) {
	var keys []secret.Key
	if v := getenv("ZHIBAN_PRIVACY_KEY"); v != "" {
		k, err := secret.ParseKey("", v)
		if err != nil {
			return nil, "", fmt.Errorf("环境变量 ZHIBAN_PRIVACY_KEY：%w", err)
		}
		keys = append(keys, k)
	}
	keys = append(keys, configured...)
	if len(keys) == 0 {
		if IsPostgres(path) {
			return nil, "", errors.New("使用 PostgreSQL 时必须配置个人信息加密密钥：在配置文件 privacy.keys 中写入 " +
				"{id, key}（key 为 base64 编码的 32 字节，可用 openssl rand -base64 32 生成），或设置环境变量 ZHIBAN_PRIVACY_KEY；" +
				"所有副本必须使用同一密钥，并与数据库分开备份")
		}
		// A missing or read-only directory is said as Open says it.
		if problem := startProblem(path); problem != "" {
			return nil, "", errors.New(problem)
		}
		k, made, err := keyFileKey(path + ".key")
		if err != nil {
			return nil, "", err
		}
		keys = append(keys, k)
		if made {
			keyFile = path + ".key"
		}
	}
	ring, err = secret.NewKeyring(keys...)
	return ring, keyFile, err
}

// keyFileKey reads the key file at path, or makes it.
func keyFileKey(path string) (secret.Key, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := secret.ParseKey("", string(b))
		if err != nil {
			return k, false, fmt.Errorf("密钥文件 %s 无效：%w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return secret.Key{}, false, fmt.Errorf("无法读取密钥文件 %s：%w", path, err)
	}
	k, err := secret.NewKey()
	if err != nil {
		return k, false, err
	}
	// O_EXCL: two processes starting at once never overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return keyFileKey(path)
	}
	if err != nil {
		return k, false, fmt.Errorf("无法创建密钥文件 %s：%w", path, err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k.Key) + "\n"); err != nil {
		f.Close()
		return k, false, fmt.Errorf("无法写入密钥文件 %s：%w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return k, false, fmt.Errorf("无法写入密钥文件 %s：%w", path, err)
	}
	return k, true, f.Close()
}

// Privacy is the keyring sealing personal data.
func (s *Store) Privacy() *secret.Keyring { return s.seal }

// sealPhone seals a petitioner's phone (or a visitor's phone or ID number) for writing.
func (s *Store) sealPhone(v string) (string, error) {
	// A masked value (from a view) saved back would lose the number for good.
	if strings.Contains(v, "*") {
		return "", errors.New("store: refusing to store a masked value")
	}
	out, err := s.seal.Seal(v)
	if err != nil {
		return "", fmt.Errorf("store: seal: %w", err)
	}
	return out, nil
}

// openPrivate opens a sealed column value; a key the keyring lacks is said in Chinese.
func (s *Store) openPrivate(v string) (string, error) {
	out, err := s.seal.Open(v)
	if errors.Is(err, secret.ErrUnknownKey) {
		return "", fmt.Errorf("个人信息由密钥 %s 加密，但当前配置的密钥（%s）中没有它：请配置加密时使用的密钥（privacy.keys 或 ZHIBAN_PRIVACY_KEY）",
			secret.SealedBy(v), strings.Join(s.seal.IDs(), "、"))
	}
	if err != nil {
		return "", fmt.Errorf("个人信息无法解密（密钥 %s）：密钥错误或数据损坏", secret.SealedBy(v))
	}
	return out, nil
}

// startPrivacy readies sealing and the blind index when the store opens.
func (s *Store) startPrivacy(ctx context.Context) error {
	if err := s.preparePrivacy(ctx); err != nil {
		return err
	}
	return s.loadSearchIndex(ctx)
}

// sealedColumn is a column holding sealed values, with what a message calls its row.
type sealedColumn struct{ table, column, row string }

// sealedColumns are every column secret seals.
var sealedColumns = []sealedColumn{
	{"cases", "petitioner_phone", "案件"},
	{"desk_visits", "visitor_phone", "来访登记"},
	{"desk_visits", "visitor_id_number", "来访登记"},
	{"evaluation_codes", "code_sealed", "评价码"},
	{"bookings", "visitor_name", "预约"},
	{"bookings", "visitor_id_number", "预约"},
	{"bookings", "visitor_phone", "预约"},
	{"bookings", "representatives", "预约"},
}

// preparePrivacy runs at start: it refuses a keyring that cannot open the
// stored values (a wrong key is an error, never garbage), then seals values
// stored in plaintext by an older version. Rerunning finds nothing to do; an
// up-to-date database costs no write lock.
func (s *Store) preparePrivacy(ctx context.Context) error {
	for _, col := range sealedColumns {
		var sample string
		err := s.q.QueryRowContext(ctx, `SELECT `+col.column+` FROM `+col.table+` WHERE `+col.column+` LIKE 'enc1:%' ORDER BY id LIMIT 1`).Scan(&sample)
		if err == nil {
			if _, err := s.openPrivate(sample); err != nil {
				return err
			}
		}
		plain := `SELECT id, ` + col.column + ` FROM ` + col.table + ` WHERE ` + col.column + ` <> '' AND NOT (` + col.column + ` LIKE 'enc1:%')`
		var n int
		if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+plain+`) p`).Scan(&n); err != nil {
			return fmt.Errorf("store: count plaintext %s.%s: %w", col.table, col.column, err)
		}
		if n == 0 {
			continue
		}
		if _, err = s.reseal(ctx, col, plain); err != nil {
			return err
		}
	}
	return nil
}

// RotatePrivacy reseals every sealed or plaintext value not sealed by the
// current first key, one transaction per column: resealed is how many
// changed, kept how many were already current. Afterwards the old keys may
// be removed.
func (s *Store) RotatePrivacy(ctx context.Context) (resealed, kept int, err error) {
	// substr, not LIKE: a configured key id may hold LIKE's wildcards.
	cur := "enc1:" + s.seal.Current() + ":"
	for _, col := range sealedColumns {
		var total int
		if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+col.table+` WHERE `+col.column+` <> ''`).Scan(&total); err != nil {
			return resealed, kept, fmt.Errorf("store: count %s.%s: %w", col.table, col.column, err)
		}
		n, err := s.reseal(ctx, col, `SELECT id, `+col.column+` FROM `+col.table+`
			WHERE `+col.column+` <> '' AND substr(`+col.column+`, 1, ?) <> ?`, len(cur), cur)
		resealed, kept = resealed+n, kept+total-n
		if err != nil {
			return resealed, kept, err
		}
	}
	return resealed, kept, nil
}

// reseal opens and seals again the values query selects from col, inside one transaction.
func (s *Store) reseal(ctx context.Context, col sealedColumn, query string, args ...any) (int, error) {
	type row struct {
		id    int64
		value string
	}
	n := 0
	err := s.WithTx(ctx, func(tx *Store) error {
		// Read inside the transaction: another replica may have done it first.
		rows, err := queryAll(ctx, tx.q, "values to seal", func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.id, &r.value)
		}, query, args...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			plain, err := s.openPrivate(r.value)
			if err != nil {
				return fmt.Errorf("%s %d：%w", col.row, r.id, err)
			}
			sealed, err := s.sealPhone(plain)
			if err != nil {
				return err
			}
			if _, err := tx.q.ExecContext(ctx, `UPDATE `+col.table+` SET `+col.column+` = ? WHERE id = ?`, sealed, r.id); err != nil {
				return fmt.Errorf("store: seal %s %d: %w", col.table, r.id, err)
			}
		}
		n = len(rows)
		return nil
	})
	return n, err
}
