package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"zhiban/fault"
	"zhiban/store"
	"zhiban/visits"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		kind        fault.Kind
		code, field string
	}{
		{"plain error is internal", errors.New("disk on fire"), fault.Internal, "", ""},
		{"invalid field", fault.InvalidField("date", "日期应为 YYYY-MM-DD"), fault.Invalid, "invalid", "date"},
		{"wrapped invalid", fmt.Errorf("wrap: %w", fault.Invalidf("days", "最多 %d 日", 30)), fault.Invalid, "invalid", "days"},
		{"conflict with code", &fault.Error{Kind: fault.Conflict, Code: "already_filed", Msg: "已提交"}, fault.Conflict, "already_filed", ""},
		{"domain refusal of a value", &visits.Refusal{Field: "category", Msg: "类别无效"}, fault.Invalid, "invalid", "category"},
		{"domain refusal of a state", &visits.Refusal{Field: "state", Msg: "不能受理"}, fault.Conflict, "refused", "state"},
		{"store not found", fmt.Errorf("store: case 9: %w", store.ErrNotFound), fault.NotFound, "not_found", ""},
		{"store stale version", fmt.Errorf("store: save: %w", store.ErrConflict), fault.Conflict, "conflict", ""},
		{"missing", fault.Missing("leader", "领导不存在"), fault.NotFound, "not_found", "leader"},
		{"denied", fault.Denied("没有权限"), fault.Forbidden, "forbidden", ""},
		{"oversize", fault.Oversize("ids", "最多 500 个"), fault.TooLarge, "too_large", "ids"},
		{"read-only database", fmt.Errorf("store: save: %w", &pgconn.PgError{Code: "25006", Message: "cannot execute UPDATE in a read-only transaction"}),
			fault.ReadOnly, "read_only", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := fault.Classify(tt.err)
			if tt.kind == fault.Internal {
				if fe != nil {
					t.Fatalf("Classify(%v) = %+v, want nil (internal)", tt.err, fe)
				}
				return
			}
			if fe == nil {
				t.Fatalf("Classify(%v) = nil, want kind %d", tt.err, tt.kind)
			}
			if fe.Kind != tt.kind || fe.StableCode() != tt.code || fe.Field != tt.field {
				t.Errorf("Classify(%v) = kind %d code %q field %q, want %d %q %q", tt.err, fe.Kind, fe.StableCode(), fe.Field, tt.kind, tt.code, tt.field)
			}
			if fe.Msg == "" {
				t.Errorf("Classify(%v) has no message", tt.err)
			}
		})
	}
}

func TestErrorNamesField(t *testing.T) {
	if got := fault.InvalidField("date", "日期无效").Error(); got != "date: 日期无效" {
		t.Errorf("Error() = %q", got)
	}
	if got := fault.Conflicts("已被他人修改", nil).Error(); got != "已被他人修改" {
		t.Errorf("Error() = %q", got)
	}
}
