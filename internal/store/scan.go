package store

import "database/sql"

// Int64s reads a one-column result of integers (IDs, mostly) and closes
// the rows; it takes Query's two results as they come:
//
//	ids, err := store.Int64s(db.Query(ctx, "SELECT id FROM posts WHERE …", args...))
func Int64s(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
