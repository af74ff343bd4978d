import { Field, ID, InputType } from 'type-graphql';
import { TagDataType } from './tag.type.ts';

@InputType({ description: 'A new tag of an active asset.' })
export class CreateTagInput {
  @Field(() => ID)
  assetId!: string;

  @Field(() => String, {
    description: 'Unique on the asset; no surrounding spaces, 200 characters at most.',
  })
  name!: string;

  @Field(() => TagDataType)
  dataType!: TagDataType;

  @Field(() => String, { nullable: true, description: 'e.g. "kN"; 50 characters at most.' })
  unit?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType({
  description:
    'Changes to a tag; omitted fields keep their value, null clears unit and description. The data type changes among FLOAT, INTEGER and BOOLEAN, or between STRING and JSON, never from numbers to text or back.',
})
export class UpdateTagInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => TagDataType, { nullable: true })
  dataType?: TagDataType | null;

  @Field(() => String, { nullable: true })
  unit?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
