// Applies the migrations to DATABASE_URL from a separate process and prints what it applied (JSON).
import { migrate } from "../../lib/db/migrate";

void migrate(process.env.DATABASE_URL!).then((applied) => console.log(JSON.stringify(applied)));
