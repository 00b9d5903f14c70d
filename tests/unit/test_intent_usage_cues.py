"""How the software will be used decides its kind when the text never names it: who runs,
imports, calls or looks at it, where its data goes, and which software it only mentions."""

from __future__ import annotations

import pytest

from codeguild.intent.classify import score_project_type
from codeguild.intent.mentions import blank_consumers, blank_foreign_apis
from codeguild.intent.models import ProjectCategory

WEB, CLI, LIB = ProjectCategory.WEB_API, ProjectCategory.CLI_TOOL, ProjectCategory.LIBRARY
APP, ETL = ProjectCategory.WEB_APP, ProjectCategory.DATA_PIPELINE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I need a server the game clients connect to for matchmaking; players have a rating "
            "and a region.",
            WEB,
        ),
        (
            "Build an API gateway-ish service that validates API keys and forwards requests to "
            "our internal services.",
            WEB,
        ),
        (
            "Make a backend where the POS terminals in our cafés record sales; each sale has "
            "items, a total and a time.",
            WEB,
        ),
        (
            "The frontend team needs JSON they can fetch for the course catalogue: courses, "
            "lessons and instructors.",
            WEB,
        ),
        (
            "Write the server for a library's self-checkout machines: they POST a member card and"
            " a book barcode to borrow it.",
            WEB,
        ),
        (
            "Our mobile game needs a leaderboard service: scores with player id, score and "
            "submitted at.",
            WEB,
        ),
        (
            "A service for a dental practice: patients, dentists and appointments, accessed by "
            "the reception software over HTTP.",
            WEB,
        ),
        (
            "We want our shop's product data available to the new mobile app: products, "
            "categories and prices.",
            WEB,
        ),
        (
            "A backend for a pet adoption app: shelters, animals (name, species, age) and "
            "adoption requests.",
            WEB,
        ),
        (
            "Partners should be able to submit claims programmatically and check their status; a "
            "claim has an amount and a policy number.",
            WEB,
        ),
        (
            "Our warehouse scanners need somewhere to send each scan; a scan has a barcode, a "
            "location and a scanned at time.",
            WEB,
        ),
        (
            "A place where our ML models can register and other teams can look them up by name "
            "and version over HTTP.",
            WEB,
        ),
        (
            "I need to batch-resize the images in a folder to 800px wide; something I can run "
            "with the folder as an argument.",
            CLI,
        ),
        ("A program that converts a folder of WAV files to MP3, showing a progress bar.", CLI),
        ("A tool our developers run before pushing that formats SQL files in place.", CLI),
        ("An interactive prompt where I can type math expressions and get the result.", CLI),
        (
            "Tool for our support engineers: given a customer id it prints their recent errors "
            "from the logs.",
            CLI,
        ),
        (
            "Script that downloads all attachments from a mailbox folder to disk, run by hand "
            "when needed.",
            CLI,
        ),
        (
            "A pomodoro timer for the command prompt with a desktop notification when time's up.",
            CLI,
        ),
        ("A program that uploads a local folder to S3, skipping files that haven't changed.", CLI),
        (
            "I want something that I can call from bash scripts to look up a country's ISO code.",
            CLI,
        ),
        ("Write a tool that talks to the Jira API and prints my open tickets.", CLI),
        (
            "Write a tool that checks all the markdown files in a repo for broken links and exits"
            " non-zero if any.",
            CLI,
        ),
        (
            "Something to run on the Raspberry Pi that takes a photo every hour and saves it to "
            "the SD card.",
            CLI,
        ),
        (
            "A set of classes to model chess positions and generate legal moves, for other "
            "developers to build on.",
            LIB,
        ),
        (
            "I want functions for converting between coordinate systems (WGS84, UTM) that I can "
            "use from my notebooks.",
            LIB,
        ),
        ("A plugin for pytest that retries flaky tests.", LIB),
        ("An async wrapper around the Redis protocol, meant to be installed from PyPI.", LIB),
        ("A typed client that our internal tools use to talk to the HR system's REST API.", LIB),
        (
            "A set of reusable functions other engineers can call to compute loan amortisation "
            "schedules.",
            LIB,
        ),
        (
            "A helper package our Django and Flask services both import to emit structured logs.",
            LIB,
        ),
        (
            "An SDK for our payment gateway so that merchants' developers can integrate it into "
            "their own apps.",
            LIB,
        ),
        (
            "A validation toolkit: developers declare schemas as classes and call validate(data).",
            LIB,
        ),
        ("A math package with matrix operations and linear solvers, no numpy.", LIB),
        (
            "Python code my other projects can import to read and write our company's custom "
            "binary file format.",
            LIB,
        ),
        (
            "A client for the Spotify Web API so our tools can search tracks and manage playlists.",
            LIB,
        ),
        (
            "Our sales reps need a screen that shows today's leads and lets them mark calls as "
            "done.",
            APP,
        ),
        ("A page where people enter their postcode and see their bin collection days.", APP),
        ("A browser game where two players play tic-tac-toe against each other.", APP),
        ("A site where students practice flashcards and see their progress.", APP),
        (
            "An online survey that respondents fill in, with results screens for the organisers.",
            APP,
        ),
        ("Make a landing page for my app with a signup form for the waitlist.", APP),
        ("Create a page for each of our properties with photos, price and an enquiry form.", APP),
        ("A place online where our volunteers can see the rota and swap shifts.", APP),
        ("Build an online shop for handmade candles with a product grid and a checkout page.", APP),
        (
            "A tool for teachers, used in the browser, to build quizzes and see how the class "
            "scored.",
            APP,
        ),
        (
            "A social network for birdwatchers: profiles, sightings feed, likes and comments, "
            "viewed in the browser.",
            APP,
        ),
        ("Build a storefront for my pottery: product pages, a cart and checkout.", APP),
        (
            "Daily roll-up of IoT readings into per-device averages, stored for the analytics "
            "team.",
            ETL,
        ),
        (
            "Backfill two years of historical weather data into the warehouse, then keep it "
            "updated daily.",
            ETL,
        ),
        ("Load the government's weekly fuel price spreadsheets into our analytics tables.", ETL),
        (
            "Every night, take the day's call recordings metadata from Twilio and put it in "
            "BigQuery.",
            ETL,
        ),
        (
            "Pull transactions from the bank's SFTP drop each morning, reconcile them against "
            "invoices and write matches to Postgres.",
            ETL,
        ),
        (
            "Nightly: dump the production Postgres, mask personal data and restore it into the "
            "staging database.",
            ETL,
        ),
        (
            "Take the raw sensor dumps from the field devices, clean them and produce hourly "
            "summaries for the analysts.",
            ETL,
        ),
        ("Combine the marketing spend from Facebook and LinkedIn into one table every day.", ETL),
        ("Feed the CRM contacts into Mailchimp audiences overnight.", ETL),
        (
            "A flow that picks up new files in the landing bucket, converts them to Parquet and "
            "registers them in the catalog.",
            ETL,
        ),
        (
            "Every hour, read new rows from the payments table and append them to the ledger in "
            "BigQuery.",
            ETL,
        ),
        (
            "Join the HR export with the payroll export each month and produce a headcount table "
            "for finance.",
            ETL,
        ),
    ],
)
def test_the_kind_follows_from_how_it_is_used(text: str, expected: ProjectCategory) -> None:
    assert score_project_type(text).project_type is expected


def test_an_api_owned_by_another_system_is_blanked_but_its_owner_stays() -> None:
    text = blank_foreign_apis("asks our lims (over its rest api) which samples are due")
    assert "api" not in text and "lims" in text
    assert "library's" in blank_foreign_apis("the library's public api should be typed")


def test_programs_that_use_the_project_are_blanked_but_their_verb_stays() -> None:
    text = blank_consumers("a package our django and flask services both import")
    assert "django" not in text and "services" not in text and "import" in text
    # the thing to build is not its own consumer
    assert "backend" in blank_consumers("the ipad at the desk both need one backend to talk to")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a price per period is not a schedule
        ("Members book the machines from a web page; each machine has an hourly fee.", APP),
        # goods in batches are records, not batch processing
        ("The tills need an inventory service to call. Stock batches: batch number, expiry.", WEB),
        # data encrypted at rest says nothing about REST
        ("Client portal: clients upload documents. Encrypt them at rest.", APP),
        # a library that lends seeds is an institution
        (
            "Our town's seed library lends seeds to members; volunteers need a site to log loans.",
            APP,
        ),
        (
            "a terminal command that asks our LIMS (over its REST API) which samples are overdue",
            CLI,
        ),
        ("Kindergarten pickup board. Teachers log in and see each child.", APP),
        ("something I can run in PowerShell on the food bank laptop to record shifts", CLI),
    ],
)
def test_words_that_look_like_cues_but_are_not(text: str, expected: ProjectCategory) -> None:
    assert score_project_type(text).project_type is expected
