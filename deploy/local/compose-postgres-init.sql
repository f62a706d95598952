-- Run once by the postgres image (docker-entrypoint-initdb.d) on an empty volume;
-- mounted by deploy/compose.yaml. Mirrors what deploy/local/postgres.sh sets up.
CREATE ROLE qsfund LOGIN CREATEDB PASSWORD 'qsfund';
CREATE DATABASE qsfund_applications OWNER qsfund;
CREATE DATABASE qsfund_scoring OWNER qsfund;
CREATE DATABASE qsfund_notifications OWNER qsfund;
CREATE DATABASE qsfund_payments OWNER qsfund;
CREATE DATABASE qsfund_reports OWNER qsfund;
CREATE DATABASE qsfund_register OWNER qsfund;
