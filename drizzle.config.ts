// drizzle-kit: `npx drizzle-kit generate --name <change>` writes a migration into
// db/migrations from db/schema.ts. Commit the SQL and meta/ together; the app applies them
// at startup (src/store/sqlite-store.ts).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
